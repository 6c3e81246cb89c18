using System.CommandLine;
using System.Text.Json;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>`composer watch`: keep the project whole and its containers connected until Ctrl-C.</summary>
internal static class WatchCommand
{
    public static Command Create(GlobalOptions global)
    {
        var format = new Option<string>("--format") { Description = "Format the output. Values: [text | json]", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("watch", "Bring crashed containers back and relink everything that depends on them (until Ctrl-C)");
        command.Add(format);
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var project = global.LoadProject(parse);
            var output = CompositionRoot.Output(global, parse) with { WatchJson = parse.GetValue(format) == "json" };
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct, output);
            using var backstop = Backstop(ct);
            return Lifecycle.Exit(await actions.WatchAsync(new WatchRequest(project), ct));
        }));
        return command;
    }

    /// <summary>
    /// Watching ends on Ctrl-C and has nothing to clean up: if it does not wind down promptly, do not leave the user
    /// stuck; exit as a second Ctrl-C would (130, so a test expecting a clean 0 still notices).
    /// </summary>
    public static IDisposable Backstop(CancellationToken ct) => ct.Register(() => _ = Task.Delay(TimeSpan.FromSeconds(20), CancellationToken.None).ContinueWith(_ =>
    {
        Console.Error.WriteLine("composer: watch did not stop within 20 s of the interrupt; exiting");
        Environment.Exit(ExitCodes.Interrupted);
    }, TaskScheduler.Default));
}

/// <summary>One line per incident (<c>db-1 exited 137 → restarted in 0.31 s → relinked app-1</c>), or JSON lines.</summary>
internal sealed class WatchOutput(TextWriter writer, bool json, string project) : IWatchOutput
{
    private readonly Lock _lock = new();

    public void Info(string message)
    {
        lock (_lock)
        {
            if (json) writer.WriteLine(JsonTree.Serialize(new Dictionary<string, object?> { ["time"] = DateTimeOffset.UtcNow, ["info"] = message }));
            else Console.Error.WriteLine(message);
        }
    }

    public void Incident(IncidentReport r)
    {
        Output.WatchStateFile.Record(project, r);
        lock (_lock)
        {
            if (json)
            {
                writer.WriteLine(JsonTree.Serialize(IncidentText.Fields(r, DateTimeOffset.UtcNow)));
            }
            else
            {
                writer.WriteLine(IncidentText.Line(r, project));
            }
            writer.Flush();
        }
        // Watch runs for days and incidents are seconds apart: give back what handling one allocated, so the
        // process's footprint stays flat (the GC would otherwise keep the grown heap, issue 12).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
