using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project benchmarks/Kiln.Generator.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Kiln.Generator.Benchmarks.GeneratorBenchmark).Assembly).Run(args);
