using System.CommandLine;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class LogsCommand
{
    private static readonly string[] Colors = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"];

    public static Command Create(GlobalOptions global)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow log output" };
        var tail = new Option<string>("--tail", "-n") { Description = "Number of lines to show from the end of the logs for each container", DefaultValueFactory = _ => "all" };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Show timestamps" };
        var noColor = new Option<bool>("--no-color") { Description = "Produce monochrome output" };
        var noPrefix = new Option<bool>("--no-log-prefix") { Description = "Don't print prefix in logs" };
        var services = new Argument<string[]>("SERVICE") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("logs", "View output from containers");
        foreach (var o in new Option[] { follow, tail, timestamps, noColor, noPrefix }) command.Add(o);
        command.Add(services);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var observed = await engine.ObserveAsync(new ObserveRequest(name) { IncludeOneOff = false }, ct);
            var wanted = parse.GetValue(services) ?? [];
            var containers = observed.ContainersOf(wanted).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            var ansi = parse.GetValue(global.Ansi) ?? "auto";
            var color = !parse.GetValue(noColor) && ansi != "never" && (ansi == "always" || !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
            try
            {
                await StreamAsync(engine, containers, parse.GetValue(follow), parse.GetValue(tail), parse.GetValue(timestamps), color, ct, prefix: !parse.GetValue(noPrefix));
            }
            catch (OperationCanceledException) { }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Interleaves the containers' lines as they come, each with a coloured, aligned <c>name |</c> prefix.</summary>
    public static async Task StreamAsync(DockerEngine engine, IReadOnlyList<ObservedContainer> containers, bool follow, string? tail, bool timestamps, bool color, CancellationToken ct, bool prefix = true)
    {
        var labels = containers.ToDictionary(c => c.Name, c => ShortName(c));
        var width = labels.Count == 0 ? 0 : labels.Values.Max(l => l.Length);
        var colorOf = containers.Select((c, i) => (c.Name, Colors[i % Colors.Length])).ToDictionary(x => x.Name, x => x.Item2);
        var lines = Channel.CreateUnbounded<LogLine>();
        var readers = containers.Select(async c =>
        {
            await foreach (var line in engine.LogsAsync(c.Name, follow, tail, timestamps, ct)) await lines.Writer.WriteAsync(line, ct);
        }).ToList();
        _ = Task.WhenAll(readers).ContinueWith(t => lines.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        await foreach (var line in lines.Reader.ReadAllAsync(ct))
        {
            if (!prefix) { Console.Out.WriteLine(line.Text); continue; }
            var label = labels[line.Container].PadRight(width);
            Console.Out.WriteLine(color ? $"\u001b[{colorOf[line.Container]}m{label}  |\u001b[0m {line.Text}" : $"{label}  | {line.Text}");
        }
    }

    /// <summary>Compose prints <c>service-N</c>, not the full container name.</summary>
    private static string ShortName(ObservedContainer c) =>
        c.Labels.TryGetValue(Core.Model.ComposeLabels.Project, out var p) && c.Name.StartsWith(p + "-", StringComparison.Ordinal) ? c.Name[(p.Length + 1)..] : c.Name;
}
