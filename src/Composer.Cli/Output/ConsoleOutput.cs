using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.UseCases;
using Composer.Cli.Commands;

namespace Composer.Cli.Output;

/// <summary>The use cases' output on composer's streams: warnings and errors as Compose prints them, progress in the chosen mode.</summary>
internal sealed record ConsoleOutput(string ProgressMode, string Ansi) : IUseCaseOutput
{
    /// <summary>Watch incidents as JSON lines (<c>watch --format json</c>).</summary>
    public bool WatchJson { get; init; }
    /// <summary>Attached output: coloured <c>name |</c> prefixes.</summary>
    public bool LogColor { get; init; } = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public void Warning(string message) => Console.Error.WriteLine($"WARN[0000] {message}");
    public void Error(string message) => Console.Error.WriteLine($"Error: {message}");
    public void Info(string message) => Console.Error.WriteLine(message);

    public IProgressScope BeginProgress(bool quiet = false) =>
        new ProgressScope(ProgressPrinter.Create(quiet ? "quiet" : ProgressPrinter.ResolveMode(ProgressMode, Ansi), Ansi));

    public ILogWriter Logs(IReadOnlyList<ObservedContainer> containers) => new LogPrinter(containers, LogColor, prefix: true);

    public IWatchOutput Watch(string project) => new WatchOutput(Console.Out, WatchJson, project);

    private sealed class ProgressScope(IProgressSink sink) : IProgressScope
    {
        public void Report(OperationProgress progress) => sink.Report(progress);
        public async ValueTask DisposeAsync()
        {
            if (sink is IAsyncDisposable live) await live.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Containers' output as Compose prints it: each line after a coloured, aligned <c>service-N |</c> prefix.</summary>
internal sealed class LogPrinter : ILogWriter
{
    private static readonly string[] Colors = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"];
    private readonly Dictionary<string, string> _labels;
    private readonly Dictionary<string, string> _colors;
    private readonly int _width;
    private readonly bool _color;
    private readonly bool _prefix;

    public LogPrinter(IReadOnlyList<ObservedContainer> containers, bool color, bool prefix)
    {
        _labels = containers.ToDictionary(c => c.Name, ShortName);
        _width = _labels.Count == 0 ? 0 : _labels.Values.Max(l => l.Length);
        _colors = containers.Select((c, i) => (c.Name, Colors[i % Colors.Length])).ToDictionary(x => x.Name, x => x.Item2);
        _color = color;
        _prefix = prefix;
    }

    public void Write(LogLine line)
    {
        if (!_prefix) { Console.Out.WriteLine(line.Text); return; }
        var label = _labels[line.Container].PadRight(_width);
        Console.Out.WriteLine(_color ? $"\u001b[{_colors[line.Container]}m{label}  |\u001b[0m {line.Text}" : $"{label}  | {line.Text}");
    }

    /// <summary>Compose prints <c>service-N</c>, not the full container name.</summary>
    private static string ShortName(ObservedContainer c) =>
        c.Labels.TryGetValue(ComposeLabels.Project, out var p) && c.Name.StartsWith(p + "-", StringComparison.Ordinal) ? c.Name[(p.Length + 1)..] : c.Name;
}
