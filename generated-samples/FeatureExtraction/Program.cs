using Kiln.Samples.FeatureExtraction;

Console.WriteLine(ResNet18Features.Describe());
using var pre = new ResNetPreprocess(new Kiln.ActivationOptions { ExecutionEnvironment = Kiln.ExecutionEnvironment.Cpu });
using var net = new ResNet18Features();
var x = new float[3 * 224 * 224];
var rng = new Random(1);
for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle() * 255;
var p = pre.Activations(x);
var sw = System.Diagnostics.Stopwatch.StartNew();
var f = net.Activations(p.ToArray(), Kiln.OutputAs.Rows);
Console.WriteLine($"{sw.ElapsedMilliseconds} ms, {f.Shape[0]}x{f.Shape[1]}, first {f.Values[0]} {f.Values[1]} {f.Values[511]}");
