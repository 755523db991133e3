using System;
using System.CommandLine;
using CftRuntime.Cli.Commands;
using CftRuntime.Errors;

namespace CftRuntime.Cli;

/// <summary>Entry point of the <c>cft</c> command.</summary>
public static class Program
{
    /// <summary>Exit code when one or more inputs failed (each reported on stderr; the others were processed).</summary>
    public const int InputFailed = 1;

    /// <summary>Exit code for bad usage or input (unknown group, malformed numbers).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code when a model cannot be found, read, loaded or run (<see cref="CftStatus.Model"/>).</summary>
    public const int ModelError = 3;

    /// <summary>Exit code for a bug in CftRuntime (the message says where); EX_SOFTWARE of sysexits.h.</summary>
    public const int InternalError = 70;

    /// <summary>
    /// The exit code for an error that stops the whole command: the one translation of <see cref="CftStatus"/> in the CLI
    /// (per-structure failures only make the exit code <see cref="InputFailed"/>).
    /// </summary>
    public static int ExitCode(CftStatus status) => status switch
    {
        CftStatus.Ok => 0,
        CftStatus.Model => ModelError,
        CftStatus.Internal => InternalError,
        _ => UsageError, // Argument, UnknownGroup, BufferTooSmall (not raised by the CLI), Symmetry
    };

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
        catch (CftException e)
        {
            Console.Error.WriteLine("cft: " + e.Message);
            return ExitCode(e.Status);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"cft: internal error (a bug in CftRuntime; please report it): {e}");
            return InternalError;
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
