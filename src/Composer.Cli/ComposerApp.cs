using System.CommandLine;
using System.Runtime.InteropServices;
using Composer.Cli.Commands;
using Composer.Core.Diagnostics;
using Composer.Core.Engine;
using Composer.Core.Planning;

namespace Composer.Cli;

/// <summary>Exit codes, as Compose users expect them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}

public static class ComposerApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("Composer: define and run multi-container applications from Compose files, and keep them connected.");
        global.AddTo(root);
        root.Add(UpCommand.Create(global));
        root.Add(DownCommand.Create(global));
        root.Add(PsCommand.Create(global));
        root.Add(ConfigCommand.Create(global));
        root.Add(LogsCommand.Create(global));
        root.Add(EndpointsCommand.Create(global));
        root.Add(WatchCommand.Create(global));
        root.Add(VersionCommand.Create());
        root.Add(StartCommand.Create(global));
        root.Add(StopCommand.Create(global));
        root.Add(RestartCommand.Create(global));
        root.Add(RmCommand.Create(global));
        root.Add(KillCommand.Create(global));
        root.Add(ExecCommand.Create(global));
        root.Add(RunCommand.Create(global));
        root.Add(PortCommand.Create(global));
        root.Add(TopCommand.Create(global));
        root.Add(LsCommand.Create(global));
        root.Add(EventsCommand.Create(global));
        root.Add(ImagesCommand.Create(global));
        root.Add(PlanCommand.Create(global));
        root.Add(GraphCommand.Create(global));
        root.Add(BuildCommand.Create(global));
        root.Add(PullCommand.Create(global));
        root.Add(MoveCommand.Create(global));
        CompletionCommand.AddTo(root, global);
        root.Add(DashboardCommand.Create(global));
        root.Add(StackCommand.Create(global));

        var parse = root.Parse(CommandArgs.Separate(args));
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"composer: {error.Message}");
            Console.Error.WriteLine("Run 'composer --help' for usage.");
            return ExitCodes.Usage;
        }
        // Composer handles Ctrl-C itself: the first one cancels the command (which decides its exit code: `watch`
        // ends with 0, an attached `up` with 130), a second one ends the process, as Compose does.
        using var interrupted = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (interrupted.IsCancellationRequested) return;
            context.Cancel = true;
            interrupted.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupted.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // What a command body lets through (most go through Guard) ends the same way.
            return Report(e);
        }
    }

    /// <summary>Runs a command body and maps what can go wrong to Compose's exit codes and actionable messages.</summary>
    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>
    /// The one mapping from an exception to what the user sees and the exit code: never a stack trace. Invalid files
    /// and usage are 2; engine, planning, I/O and permission failures are 1; an interrupt is 130.
    /// </summary>
    public static int Report(Exception e)
    {
        switch (e)
        {
            case ComposeFileException file:
                Diagnostics.Print(file.Diagnostics);
                return ExitCodes.Usage;
            case UsageException or Core.Loading.InputFileException:
                Console.Error.WriteLine($"composer: {e.Message}");
                return ExitCodes.Usage;
            case OperationCanceledException:
                return ExitCodes.Interrupted;
            case PlanningException or EngineException or StateDirectoryException:
                Console.Error.WriteLine($"Error: {e.Message}");
                return ExitCodes.Failure;
            case UnauthorizedAccessException:
                Console.Error.WriteLine($"Error: permission denied: {e.Message}");
                return ExitCodes.Failure;
            case IOException:
                Console.Error.WriteLine($"Error: {e.Message}");
                return ExitCodes.Failure;
            case HttpRequestException or System.Net.Sockets.SocketException:
                Console.Error.WriteLine($"Error: the Docker engine could not be reached: {e.Message}");
                return ExitCodes.Failure;
            case AggregateException { InnerExceptions.Count: > 0 } many:
                return Report(many.InnerExceptions[0]);
            default:
                // A defect of Composer's: say so in one line; COMPOSER_DEBUG=1 shows where.
                Console.Error.WriteLine($"Error: internal error ({e.GetType().Name}): {e.Message}");
                if (Environment.GetEnvironmentVariable("COMPOSER_DEBUG") is "1" or "true") Console.Error.WriteLine(e);
                return ExitCodes.Failure;
        }
    }
}

/// <summary>The command line asked for something that cannot be: exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);

internal static class Diagnostics
{
    public static void Print(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics.OrderBy(d => d.Severity).ThenBy(d => d.Position?.File).ThenBy(d => d.Position?.Line).ThenBy(d => d.Position?.Column))
            Console.Error.WriteLine(d.ToString());
    }
}
