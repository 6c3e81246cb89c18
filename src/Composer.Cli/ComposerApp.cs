using System.CommandLine;
using Composer.Cli.Commands;
using Composer.Core.Diagnostics;
using Composer.Core.Execution;
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
        root.Add(VersionCommand.Create());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"composer: {error.Message}");
            Console.Error.WriteLine("Run 'composer --help' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
    }

    /// <summary>Runs a command body and maps what can go wrong to Compose's exit codes and actionable messages.</summary>
    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ComposeFileException e)
        {
            Diagnostics.Print(e.Diagnostics);
            return ExitCodes.Usage;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"composer: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (PlanningException e)
        {
            Console.Error.WriteLine($"Error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (EngineException e)
        {
            Console.Error.WriteLine($"Error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
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
