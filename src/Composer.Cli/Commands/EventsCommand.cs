using Composer.Core.Model;
using System.CommandLine;
using System.Text.Json;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>Streams the engine's container events for the project until interrupted; <c>--json</c> prints one object a line.</summary>
internal static class EventsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Output events as a stream of json objects" };
        var services = Lifecycle.Services();
        var command = new Command("events", "Receive real time events from containers") { json, services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            await foreach (var e in actions.EventsAsync(new ServicesRequest(new ProjectTarget(name, null), parse.GetValue(services) ?? []), ct))
            {
                var attributes = e.Attributes.Where(kv => !kv.Key.StartsWith("com.docker.compose.", StringComparison.Ordinal) && !kv.Key.StartsWith("io.composer.", StringComparison.Ordinal));
                if (parse.GetValue(json))
                    Console.WriteLine(JsonTree.Serialize(new Dictionary<string, object>
                    {
                        ["time"] = e.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"), ["type"] = "container", ["action"] = e.Action,
                        ["id"] = e.ContainerId, ["service"] = e.Service, ["attributes"] = attributes.ToDictionary(kv => kv.Key, kv => kv.Value),
                    }));
                else
                    Console.WriteLine($"{e.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff} container {e.Action} {e.ContainerId} ({string.Join(", ", attributes.Select(kv => $"{kv.Key}={kv.Value}"))})");
                Console.Out.Flush();
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
