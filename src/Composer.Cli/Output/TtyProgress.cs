using Composer.Core.Execution;
using Composer.Core.Graph;
using Spectre.Console.Rendering;
using Spectre.Console;

namespace Composer.Cli.Output;

/// <summary>
/// Compose's live terminal view: a "[+] Running done/total" header and one line per resource with its state and
/// elapsed time, redrawn in place (Spectre.Console live display) while the plan runs.
/// </summary>
public sealed class TtyProgress : IProgressSink, IAsyncDisposable
{
    private sealed class Entry
    {
        public required string Kind { get; init; }
        public required string Name { get; init; }
        public string Text { get; set; } = "Waiting";
        public OperationStatus Status { get; set; } = OperationStatus.Waiting;
        public long Started { get; set; }
        public TimeSpan? Elapsed { get; set; }
        public string? Error { get; set; }
    }

    private static readonly string[] Spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly IAnsiConsole _console;
    private readonly bool _color;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _tick;

    public TtyProgress(TextWriter writer, bool color)
    {
        _color = color;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Yes,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        var ready = new TaskCompletionSource();
        _loop = _console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Visible).StartAsync(async ctx =>
        {
            ready.TrySetResult();
            while (!_stop.IsCancellationRequested)
            {
                ctx.UpdateTarget(Render());
                try { await Task.Delay(100, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
            ctx.UpdateTarget(Render());
            ctx.Refresh();
        });
    }

    public void Report(OperationProgress p)
    {
        var (kind, name, running, done) = ProgressPrinter.Words(p.Operation);
        lock (_lock)
        {
            var key = $"{kind} {name}";
            if (!_byKey.TryGetValue(key, out var entry))
            {
                entry = new Entry { Kind = kind, Name = name, Started = TimeProvider.System.GetTimestamp() };
                _byKey[key] = entry;
                _entries.Add(entry);
            }
            switch (p.Status)
            {
                case OperationStatus.Running:
                    if (entry.Status != OperationStatus.Running) entry.Started = TimeProvider.System.GetTimestamp();
                    entry.Status = OperationStatus.Running;
                    entry.Text = running;
                    entry.Elapsed = null;
                    break;
                case OperationStatus.Done:
                    entry.Status = OperationStatus.Done;
                    entry.Text = done;
                    entry.Elapsed = TimeProvider.System.GetElapsedTime(entry.Started);
                    break;
                case OperationStatus.Failed:
                    entry.Status = OperationStatus.Failed;
                    entry.Text = "Error";
                    entry.Error = p.Error?.Message;
                    entry.Elapsed = TimeProvider.System.GetElapsedTime(entry.Started);
                    break;
                case OperationStatus.Skipped:
                    if (entry.Status is OperationStatus.Done or OperationStatus.Failed) break;
                    entry.Status = OperationStatus.Skipped;
                    entry.Text = p.Error is DependencyFailedException ? "Skipped (a dependency failed)" : "Skipped";
                    entry.Elapsed = TimeSpan.Zero;
                    break;
            }
        }
    }

    private IRenderable Render()
    {
        lock (_lock)
        {
            var tick = _tick++;
            var finished = _entries.Count(e => e.Status is OperationStatus.Done or OperationStatus.Failed or OperationStatus.Skipped);
            var grid = new Grid();
            grid.AddColumn(new GridColumn().NoWrap().PadLeft(1).PadRight(0));
            grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
            grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
            grid.AddColumn(new GridColumn().NoWrap().RightAligned());
            var failed = _entries.Any(e => e.Status == OperationStatus.Failed);
            var header = $"[+] Running {finished}/{_entries.Count}";
            var rows = new List<IRenderable> { new Markup(Paint(header, failed ? "red" : finished == _entries.Count ? "blue" : null)) };
            foreach (var e in _entries)
            {
                var (mark, color) = e.Status switch
                {
                    OperationStatus.Done => ("✔", "green"),
                    OperationStatus.Failed => ("✘", "red"),
                    OperationStatus.Skipped => ("-", "grey"),
                    OperationStatus.Running => (Spinner[tick % Spinner.Length], "blue"),
                    _ => (" ", (string?)null),
                };
                var elapsed = e.Elapsed ?? (e.Status == OperationStatus.Running ? TimeProvider.System.GetElapsedTime(e.Started) : TimeSpan.Zero);
                grid.AddRow(
                    new Markup(Paint(mark, color)),
                    new Text($"{e.Kind} {e.Name}"),
                    new Markup(Paint(e.Text + (e.Error is null ? "" : $": {e.Error}"), e.Status == OperationStatus.Failed ? "red" : null)),
                    new Text($"{elapsed.TotalSeconds:0.0}s"));
            }
            rows.Add(grid);
            return new Rows(rows);
        }
    }

    private string Paint(string text, string? color) => color is null || !_color ? Markup.Escape(text) : $"[{color}]{Markup.Escape(text)}[/]";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
