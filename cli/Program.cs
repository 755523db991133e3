using System;
using System.CommandLine;
using CftRuntime.Cli.Commands;

namespace CftRuntime.Cli;

/// <summary>Entry point of the <c>cft</c> command.</summary>
public static class Program
{
    /// <summary>Exit code for bad usage or input (unknown group, malformed numbers).</summary>
    public const int UsageError = 2;

    /// <summary>Runs the command line and returns the exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("CftRuntime: space-group-invariant Fourier features and crystal property prediction");
        root.Subcommands.Add(BasisCommand.Create());
        root.Subcommands.Add(FeaturizeCommand.Create());
        root.Subcommands.Add(GroupsCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(SymmetryCommand.Create());
        root.Subcommands.Add(TensorBasisCommand.Create());
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine("cft: " + e.Message);
            Console.Error.WriteLine("Run 'cft --help' for usage.");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliUsageException e)
        {
            Console.Error.WriteLine("cft: " + e.Message);
            return UsageError;
        }
        finally
        {
            // No background native work may outlive Main (see CompletePreload).
            CftRuntime.Inference.CftModel.CompletePreload();
        }
    }
}

/// <summary>A user error on the command line: reported on stderr with exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
