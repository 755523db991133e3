using System.Diagnostics;

namespace CftRuntime.Tests;

/// <summary>
/// Runs a program from a test with its output captured. LD_LIBRARY_PATH is the one given (or none) and
/// CFT_MODELS is never inherited, so that what the program finds is what the test set up.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Exit code, standard output and standard error.</summary>
    public readonly record struct Result(int Code, string Out, string Err)
    {
        /// <summary>Standard output followed by standard error.</summary>
        public string Output => Out + Err;
    }

    public static Result Run(string file, string arguments, string workingDirectory, string? libraryPath = null)
        => Run(file, arguments, workingDirectory, libraryPath, System.Threading.Timeout.InfiniteTimeSpan, out _);

    /// <summary>Runs with a time limit: past it the process tree is killed and <paramref name="timedOut"/> is true.</summary>
    public static Result Run(string file, string arguments, string workingDirectory, string? libraryPath, System.TimeSpan limit, out bool timedOut)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        if (libraryPath is not null) psi.Environment["LD_LIBRARY_PATH"] = libraryPath;
        else psi.Environment.Remove("LD_LIBRARY_PATH");
        psi.Environment.Remove(CftRuntime.Inference.CftPredictor.ModelDirectoryVariable);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        timedOut = !p.WaitForExit(limit);
        if (timedOut) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        return new Result(p.ExitCode, output.Result, err.Result);
    }
}
