using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Supervision;
using Composer.Core.UseCases;

namespace Composer.Testing;

/// <summary>What the use cases would print, kept for exception messages: a test has no console to show progress on.</summary>
internal sealed class CollectedOutput : IUseCaseOutput
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    public void Warning(string message) { }

    public void Error(string message)
    {
        lock (_errors) _errors.Add(message);
    }

    public void Info(string message) { }

    public IProgressScope BeginProgress(bool quiet = false) => QuietProgress.Instance;

    public ILogWriter Logs(IReadOnlyList<ObservedContainer> containers) => QuietProgress.Instance;

    public IWatchOutput Watch(string project) => QuietProgress.Instance;

    private sealed class QuietProgress : IProgressScope, ILogWriter, IWatchOutput
    {
        public static readonly QuietProgress Instance = new();
        public void Report(OperationProgress progress) { }
        public void Write(LogLine line) { }
        public void Incident(IncidentReport report) { }
        public void Info(string message) { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// One change at a time per project within the test process. The command line's file locks live in Composer.Cli;
/// a test's project has its own random name, so no composer command works on it at the same time.
/// </summary>
internal sealed class InProcessLocks : IProjectLocks
{
    public static readonly InProcessLocks Instance = new();
    private readonly Dictionary<string, SemaphoreSlim> _locks = [];

    public async Task<IDisposable> AcquireAsync(string project, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_locks)
            if (!_locks.TryGetValue(project, out gate!)) _locks[project] = gate = new SemaphoreSlim(1, 1);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(gate);
    }

    public IDisposable? TryAcquire(string key)
    {
        SemaphoreSlim gate;
        lock (_locks)
            if (!_locks.TryGetValue(key, out gate!)) _locks[key] = gate = new SemaphoreSlim(1, 1);
        return gate.Wait(0) ? new Held(gate) : null;
    }

    public string Where(string key) => $"in-process lock of {key}";

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
