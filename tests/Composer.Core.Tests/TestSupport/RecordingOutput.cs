using System.Collections.Concurrent;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Supervision;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.TestSupport;

/// <summary>The use cases' output, recorded: every message and progress report, in order.</summary>
public sealed class RecordingOutput : IUseCaseOutput, IWatchOutput
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ConcurrentQueue<OperationProgress> Progress { get; } = new();
    public ConcurrentQueue<LogLine> Logged { get; } = new();
    public int ProgressScopes;
    /// <summary>Completes on the first line containing the text (a test waits for it rather than sleeping).</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _awaited = new();

    public IEnumerable<string> Warnings => Lines.Where(l => l.StartsWith("WARN ", StringComparison.Ordinal));
    public IEnumerable<string> Errors => Lines.Where(l => l.StartsWith("ERROR ", StringComparison.Ordinal));

    private void Add(string line)
    {
        Lines.Enqueue(line);
        foreach (var (text, done) in _awaited)
            if (line.Contains(text, StringComparison.Ordinal)) done.TrySetResult();
    }

    public Task SeenAsync(string text)
    {
        var done = _awaited.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Lines.Any(l => l.Contains(text, StringComparison.Ordinal))) done.TrySetResult();
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Warning(string message) => Add("WARN " + message);
    public void Error(string message) => Add("ERROR " + message);
    public void Info(string message) => Add("INFO " + message);

    public IProgressScope BeginProgress(bool quiet = false)
    {
        Interlocked.Increment(ref ProgressScopes);
        return new Scope(this);
    }

    public ILogWriter Logs(IReadOnlyList<ObservedContainer> containers) => new LogRecorder(this);
    public IWatchOutput Watch(string project) => this;
    public void Incident(IncidentReport report) => Add($"INCIDENT {report.Container} {report.Outcome}");

    private sealed class Scope(RecordingOutput output) : IProgressScope
    {
        public void Report(OperationProgress progress) => output.Progress.Enqueue(progress);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class LogRecorder(RecordingOutput output) : ILogWriter
    {
        public void Write(LogLine line)
        {
            output.Logged.Enqueue(line);
            output.Add($"LOG {line.Container} {line.Text}");
        }
    }
}

/// <summary>In-process project locks that count how often each was taken.</summary>
public sealed class CountingLocks : IProjectLocks
{
    public ConcurrentDictionary<string, int> Taken { get; } = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _held = new();

    public async Task<IDisposable> AcquireAsync(string project, CancellationToken cancellationToken)
    {
        var gate = _held.GetOrAdd(project, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        Taken.AddOrUpdate(project, 1, (_, n) => n + 1);
        return new Release(gate);
    }

    public IDisposable? TryAcquire(string key)
    {
        var gate = _held.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0)) return null;
        Taken.AddOrUpdate(key, 1, (_, n) => n + 1);
        return new Release(gate);
    }

    public string Where(string key) => $"memory:{key}";

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release(); }
    }
}
