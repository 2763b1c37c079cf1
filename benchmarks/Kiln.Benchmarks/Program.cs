using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project benchmarks/Kiln.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Kiln.Benchmarks.ResNet18Benchmark).Assembly).Run(args);
