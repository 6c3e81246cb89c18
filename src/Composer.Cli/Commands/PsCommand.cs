using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class PsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show all stopped containers (including those created by the run command)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display IDs" };
        var servicesOnly = new Option<bool>("--services") { Description = "Display services" };
        var status = new Option<string[]>("--status") { Description = "Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format") { Description = "Format the output. Values: [table | json]", DefaultValueFactory = _ => "table" };
        var services = new Argument<string[]>("SERVICE") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("ps", "List containers");
        foreach (var o in new Option[] { all, quiet, servicesOnly, status, format }) command.Add(o);
        command.Add(services);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var early = CompositionRoot.ConnectEarly(global, parse, ct);
            var (name, project) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct, early: early);
            var rows = await actions.PsAsync(new PsRequest(name, parse.GetValue(services) ?? []) { All = parse.GetValue(all), States = parse.GetValue(status) ?? [] }, ct);

            if (parse.GetValue(quiet)) { foreach (var c in rows) Console.WriteLine(c.Id); return ExitCodes.Ok; }
            if (parse.GetValue(servicesOnly)) { foreach (var s in rows.Select(c => c.Service).Distinct()) Console.WriteLine(s); return ExitCodes.Ok; }
            var watched = Output.WatchStateFile.Read(name);
            if (parse.GetValue(format) == "json")
            {
                foreach (var c in rows)
                    Console.WriteLine(JsonTree.Serialize(new Dictionary<string, object?>
                    {
                        ["ID"] = c.Id, ["Name"] = c.Name, ["Image"] = c.Image, ["Command"] = c.Command, ["Project"] = name,
                        ["Service"] = c.Service, ["Host"] = HostOf(c), ["Created"] = c.Created.ToUnixTimeSeconds(), ["State"] = c.State, ["Status"] = c.Status,
                        ["Health"] = Health(c.Status), ["ExitCode"] = ExitCode(c.Status),
                        ["Restarts"] = watched.GetValueOrDefault(c.Service)?.Restarts ?? 0,
                        ["CrashLooping"] = watched.GetValueOrDefault(c.Service)?.CrashLooping ?? false,
                        ["Publishers"] = c.Ports.Select(p => new Dictionary<string, object?> { ["URL"] = p.HostIp ?? "", ["TargetPort"] = p.PrivatePort, ["PublishedPort"] = p.PublicPort ?? 0, ["Protocol"] = p.Type }),
                    }));
                return ExitCodes.Ok;
            }
            // A project across engines (x-composer.hosts) also says where each container runs.
            if (global.Placement is not null)
            {
                Table.Write(Console.Out, ["NAME", "IMAGE", "COMMAND", "SERVICE", "HOST", "CREATED", "STATUS", "PORTS"],
                    rows.Select(c => new[] { c.Name, c.Image, Quote(c.Command), c.Service, HostOf(c), Ago(c.Created), c.Status + WatchNote(watched, c.Service), Ports(c) }));
                return ExitCodes.Ok;
            }
            Table.Write(Console.Out, ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"],
                rows.Select(c => new[] { c.Name, c.Image, Quote(c.Command), c.Service, Ago(c.Created), c.Status + WatchNote(watched, c.Service), Ports(c) }));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>What `composer watch` recorded for the service: restarts and crash-looping.</summary>
    private static string WatchNote(Dictionary<string, Output.WatchStateFile.ServiceState> watched, string service) =>
        watched.TryGetValue(service, out var s) && s.Restarts > 0
            ? $" (restarts: {s.Restarts}{(s.CrashLooping ? ", crash-looping" : "")})"
            : "";

    internal static string HostOf(ObservedContainer c) => c.Labels.GetValueOrDefault(Core.Model.HostLabels.Host) ?? "";

    private static string Quote(string command) => "\"" + (command.Length > 20 ? command[..19] + "…" : command) + "\"";

    private static string Health(string status) =>
        status.Contains("(healthy)", StringComparison.Ordinal) ? "healthy" :
        status.Contains("(unhealthy)", StringComparison.Ordinal) ? "unhealthy" :
        status.Contains("(health: starting)", StringComparison.Ordinal) ? "starting" : "";

    private static int ExitCode(string status)
    {
        var open = status.IndexOf("Exited (", StringComparison.Ordinal);
        if (open < 0) return 0;
        var close = status.IndexOf(')', open);
        return int.TryParse(status[(open + 8)..close], out var code) ? code : 0;
    }

    internal static string Ago(DateTimeOffset created)
    {
        var age = DateTimeOffset.UtcNow - created;
        return age.TotalSeconds < 60 ? $"{Math.Max(1, (int)age.TotalSeconds)} seconds ago"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} minutes ago"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} hours ago"
            : $"{(int)age.TotalDays} days ago";
    }

    private static string Ports(ObservedContainer c) => string.Join(", ", c.Ports
        .OrderBy(p => p.PrivatePort).ThenBy(p => p.HostIp, StringComparer.Ordinal)
        .Select(p => p.PublicPort is { } pub
            ? $"{(p.HostIp is null ? "" : (p.HostIp.Contains(':') ? $"[{p.HostIp}]" : p.HostIp) + ":")}{pub}->{p.PrivatePort}/{p.Type}"
            : $"{p.PrivatePort}/{p.Type}")
        .Distinct());
}

/// <summary>Compose's borderless, space-aligned table (three spaces between columns); never wraps, so scripts can cut it.</summary>
internal static class Table
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        void Line(IReadOnlyList<string> cells) =>
            writer.WriteLine(string.Join("   ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        foreach (var r in all) Line(r);
    }
}
