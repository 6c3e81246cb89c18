using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Graph;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Supervision.Develop;

public sealed record DevelopWatchOptions
{
    public TimeSpan Quiet { get; init; } = ChangeDebouncer.DefaultQuiet;
    public TimeSpan MaxDelay { get; init; } = ChangeDebouncer.DefaultMaxDelay;
    public int Parallelism { get; init; }
    /// <summary>Held around a rebuild and a restart, so they never race another command changing the project.</summary>
    public Func<CancellationToken, Task<IDisposable>>? ChangeGate { get; init; }
    /// <summary>How long the initial sync waits for a service's first running container.</summary>
    public TimeSpan InitialSyncWait { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Compose's <c>develop.watch</c> beside crash supervision: files changed on the host are debounced into batches and
/// each batch acted on as Compose does: rebuild (build the image, recreate the service's containers keeping their
/// anonymous volumes), then sync (copy into every running container of the service, remove what was deleted), then
/// restart, then exec. Files, the watcher and the tar are behind ports (<see cref="IHostFiles"/>,
/// <see cref="IContainerFileSync"/>); this class only decides and sequences.
/// </summary>
public sealed class DevelopWatcher
{
    private readonly Project _project;
    private readonly IContainerEngine _engine;
    private readonly IContainerFileSync _sync;
    private readonly IHostFiles _files;
    private readonly IWatchOutput _output;
    private readonly DevelopWatchOptions _options;
    private readonly TimeProvider _time;
    private readonly List<WatchTrigger> _triggers = [];

    public DevelopWatcher(Project project, IContainerEngine engine, IContainerFileSync sync, IHostFiles files, IWatchOutput output, DevelopWatchOptions? options = null, TimeProvider? time = null)
    {
        _project = project;
        _engine = engine;
        _sync = sync;
        _files = files;
        _output = output;
        _options = options ?? new DevelopWatchOptions();
        _time = time ?? TimeProvider.System;
        foreach (var service in project.Services.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var rules = service.Runtime.DevelopWatch;
            if (rules.IsEmpty) continue;
            var (context, dockerIgnore) = ContextIgnore(service.Build);
            for (var i = 0; i < rules.Length; i++)
            {
                var rule = rules[i];
                if (rule.Action == WatchAction.Rebuild && service.Build is null)
                    Problems.Add($"can't watch service \"{service.Name}\" with action rebuild without a build context");
                if (rule.Action == WatchAction.SyncExec && (rule.Exec is null || rule.Exec.Command.IsEmpty))
                    Problems.Add($"can't watch with action \"sync+exec\" on service {service.Name} without a command");
                // A bind mount already shows the host's files: syncing them too would copy them onto themselves.
                if (rule.Syncs && BindMounted(service, rule.Path))
                {
                    Warnings.Add($"path '{rule.Path}' also declared by a bind mount volume, this path won't be monitored!");
                    continue;
                }
                _triggers.Add(new WatchTrigger(service.Name, i, rule, context, dockerIgnore));
            }
        }
    }

    /// <summary>Rules that cannot work (Compose refuses to watch then); watching must not start.</summary>
    public List<string> Problems { get; } = [];
    public List<string> Warnings { get; } = [];
    public IReadOnlyList<WatchTrigger> Triggers => _triggers;

    /// <summary>The build context's ignore file as Compose reads it: <c>&lt;Dockerfile&gt;.dockerignore</c> first, then <c>.dockerignore</c>.</summary>
    private (string? Context, string? Text) ContextIgnore(BuildSpec? build)
    {
        if (build is null) return (null, null);
        var dockerfile = build.Dockerfile ?? "Dockerfile";
        return (build.Context, _files.ReadText(Path.Combine(build.Context, dockerfile + ".dockerignore")) ?? _files.ReadText(Path.Combine(build.Context, ".dockerignore")));
    }

    private static bool BindMounted(Service service, string path) =>
        service.Volumes.Any(m => m.Type == "bind" && m.Source is { } source && WatchTrigger.Relative(source, path) is not null);

    /// <summary>Watches until cancelled; a failing batch is reported and watching goes on.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in Warnings) _output.Info(warning);
        if (_triggers.Count == 0) return;
        try
        {
            // Watching starts before the initial sync, so a change made while it copies is not lost.
            using var feed = _files.Watch([.. _triggers.Select(t => t.Rule.Path).Distinct(StringComparer.Ordinal)]);
            await InitialSyncAsync(cancellationToken).ConfigureAwait(false);
            _output.Info("Watch enabled");
            await FollowAsync(feed, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _output.Info($"file watch stopped: {e.Message}");
        }
    }

    private async Task FollowAsync(IFileChangeFeed feed, CancellationToken ct)
    {
        var debouncer = new ChangeDebouncer(_options.Quiet, _options.MaxDelay);
        while (true)
        {
            using var timer = debouncer.DueAt is { } due ? new CancellationTokenSource(Max(due - _time.GetUtcNow(), TimeSpan.Zero), _time) : null;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct, timer?.Token ?? CancellationToken.None);
            var more = true;
            try
            {
                more = await feed.Changes.WaitToReadAsync(wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The batch is due.
            }
            while (feed.Changes.TryRead(out var path)) debouncer.Add(path, _time.GetUtcNow());
            // A feed that ended (the watcher closed) flushes what it had.
            if (debouncer.TakeIfDue(more ? _time.GetUtcNow() : DateTimeOffset.MaxValue) is { } batch)
            {
                try
                {
                    await HandleAsync(batch, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    _output.Info($"Error handling changed files: {e.Message}");
                }
            }
            if (!more) return;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>One batch, in Compose's order: rebuild, sync, restart, exec.</summary>
    public async Task HandleAsync(IReadOnlyList<string> batch, CancellationToken ct)
    {
        var plan = ChangePlan.For(batch, _triggers);
        if (plan.IsEmpty) return;
        if (!plan.Rebuild.IsEmpty) await RebuildAsync(plan.Rebuild, ct).ConfigureAwait(false);
        foreach (var (service, paths) in plan.Sync)
        {
            _output.Info($"Syncing service \"{service}\" after {paths.Length} changes were detected");
            await SyncAsync(service, paths, ct).ConfigureAwait(false);
        }
        if (!plan.Restart.IsEmpty)
        {
            using (await EnterChangeAsync(ct).ConfigureAwait(false))
            {
                var observed = await ObserveAsync(ct).ConfigureAwait(false);
                await RunPlanAsync(CommandPlanner.PlanRestart(observed, plan.Restart, null), ct).ConfigureAwait(false);
            }
            _output.Info($"service(s) {Quoted(plan.Restart)} restarted");
        }
        foreach (var (service, triggers) in plan.Exec)
            foreach (var trigger in triggers)
                await ExecAsync(service, trigger.Rule.Exec!, ct).ConfigureAwait(false);
    }

    private async Task InitialSyncAsync(CancellationToken ct)
    {
        // Compose syncs at start only for sync and sync+restart rules that ask for it.
        var initial = _triggers.Where(t => t.Rule.InitialSync && t.Rule.Action is WatchAction.Sync or WatchAction.SyncRestart).ToList();
        if (initial.Count == 0) return;
        await WaitForContainersAsync(initial.Select(t => t.Service).ToHashSet(StringComparer.Ordinal), ct).ConfigureAwait(false);
        foreach (var trigger in initial)
        {
            var paths = _files.FilesUnder(trigger.Rule.Path).Select(trigger.Match).OfType<PathMapping>().Where(m => m.ContainerPath is not null).ToImmutableArray();
            if (paths.IsEmpty) continue;
            _output.Info($"Syncing service \"{trigger.Service}\": initial sync of {paths.Length} file(s) from {trigger.Rule.Path}");
            await SyncAsync(trigger.Service, paths, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The initial sync needs the containers that watch's own resync may still be creating: observe until each service
    /// has one running, with growing pauses and a deadline.
    /// </summary>
    private async Task WaitForContainersAsync(HashSet<string> services, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + _options.InitialSyncWait;
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var observed = await ObserveAsync(ct).ConfigureAwait(false);
            var missing = services.Where(s => !Running(observed, s).Any()).Order(StringComparer.Ordinal).ToList();
            if (missing.Count == 0) return;
            if (_time.GetUtcNow() > deadline)
            {
                _output.Info($"initial sync: no running container for {string.Join(", ", missing)}; syncing the others");
                return;
            }
            await Task.Delay(pause, _time, ct).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private async Task SyncAsync(string service, IReadOnlyList<PathMapping> paths, CancellationToken ct)
    {
        var observed = await ObserveAsync(ct).ConfigureAwait(false);
        var failures = new List<string>();
        foreach (var container in Running(observed, service))
        {
            try
            {
                await _sync.SyncFilesAsync(container.Name, paths, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{container.Name}: {e.Message}");
            }
        }
        if (failures.Count > 0) throw new EngineException($"sync of service \"{service}\" failed: {string.Join("; ", failures)}");
    }

    private async Task RebuildAsync(IReadOnlyCollection<string> services, CancellationToken ct)
    {
        var names = Quoted(services);
        _output.Info($"Rebuilding service(s) {names} after changes were detected...");
        using var gate = await EnterChangeAsync(ct).ConfigureAwait(false);
        var observed = await ObserveAsync(ct).ConfigureAwait(false);
        try
        {
            await RunPlanAsync(BuildPlanner.PlanBuild(_project, services, noDeps: true, onlyMissing: false, observed.Images), ct).ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            _output.Info($"Build failed. Error: {e.Message}");
            return;
        }
        _output.Info($"service(s) {names} successfully built");
        observed = await ObserveAsync(ct).ConfigureAwait(false);
        // Recreated whatever their hash says (as Compose forces it); the planner keeps their anonymous volumes. Their
        // dependents are in scope, so one that names the old container (links, network_mode) is recreated with them.
        var recreate = services.ToImmutableDictionary(s => s, _ => "develop.watch: rebuilt", StringComparer.Ordinal);
        var scope = services.Concat(DependencyGraph.Build(_project).TransitiveDependents(services)).Distinct(StringComparer.Ordinal).ToImmutableArray();
        try
        {
            await RunPlanAsync(Planner.PlanUp(_project, observed, new UpOptions { Services = scope, NoDeps = true, Recreate = recreate }), ct).ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            _output.Info($"Failed to recreate services after update. Error: {e.Message}");
            return;
        }
        _output.Info($"service(s) {names} recreated from the new image");
    }

    private async Task ExecAsync(string service, ServiceHook exec, CancellationToken ct)
    {
        var observed = await ObserveAsync(ct).ConfigureAwait(false);
        var request = new ExecRequest(exec.Command)
        {
            User = exec.User, Privileged = exec.Privileged, WorkingDir = exec.WorkingDir,
            Environment = [.. exec.Environment.Select(kv => $"{kv.Key}={kv.Value}")],
        };
        await Task.WhenAll(Running(observed, service).Select(async container =>
        {
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            var code = await _engine.ExecAsync(container.Name, request, new ProcessStreams { Stdout = stdout, Stderr = stderr }, ct).ConfigureAwait(false);
            foreach (var line in Lines(stdout).Concat(Lines(stderr))) _output.Info($"{container.Name} | {line}");
            if (code != 0) _output.Info($"{container.Name}: exec {string.Join(' ', exec.Command)} exited {code}");
        })).ConfigureAwait(false);
    }

    private static IEnumerable<string> Lines(MemoryStream stream) =>
        System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);

    private static IEnumerable<ObservedContainer> Running(ObservedState observed, string service) =>
        observed.Containers.Where(c => c.Service == service && c.IsRunning && !c.OneOff && !RetiredContainers.IsRetired(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>Names as Compose prints a list of them: <c>["app" "web"]</c>.</summary>
    private static string Quoted(IEnumerable<string> names) => "[" + string.Join(' ', names.Select(n => $"\"{n}\"")) + "]";

    private Task<ObservedState> ObserveAsync(CancellationToken ct) =>
        _engine.ObserveAsync(Observation.For(_project) with { IncludeOneOff = false }, ct);

    private async Task<IDisposable?> EnterChangeAsync(CancellationToken ct) =>
        _options.ChangeGate is { } gate ? await gate(ct).ConfigureAwait(false) : null;

    private Task RunPlanAsync(Plan plan, CancellationToken ct) => _engine.RunOrThrowAsync(plan, _options.Parallelism, _time, ct);
}
