using BenchmarkDotNet.Running;

namespace CftRuntime.Benchmarks;

/// <summary>Runs the benchmarks selected on the command line (BenchmarkDotNet switcher).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
