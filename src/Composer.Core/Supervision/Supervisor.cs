using System.Collections.Concurrent;
using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Graph;
using Composer.Core.Model;
using Composer.Core.Planning;
using Polly.Retry;
using Polly;

namespace Composer.Core.Supervision;

/// <summary>One incident, start to end, as watch mode reports it (one line, or one JSON object).</summary>
public sealed record IncidentReport
{
    public required string Container { get; init; }
    public required string Service { get; init; }
    public required IncidentKind Kind { get; init; }
    public int? ExitCode { get; init; }
    /// <summary>restarted, recreated, restarted by its restart policy, or failed.</summary>
    public required string Outcome { get; init; }
    /// <summary>From the event to the container running again.</summary>
    public TimeSpan Recovery { get; init; }
    /// <summary>From the event to every stale dependent relinked.</summary>
    public TimeSpan Total { get; init; }
    public TimeSpan Backoff { get; init; }
    public int Restarts { get; init; }
    public bool CrashLooping { get; init; }
    public ImmutableArray<string> Relinked { get; init; } = [];
    /// <summary>Dependents that reach it by name only: nothing to recreate.</summary>
    public ImmutableArray<string> VerifiedByName { get; init; } = [];
    /// <summary>What the repair had to do differently (a relinked container stopped before its replacement: shared host port).</summary>
    public ImmutableArray<string> Notes { get; init; } = [];
    public string? Error { get; init; }
}

public interface IWatchOutput
{
    void Incident(IncidentReport report);
    void Info(string message);
}

public sealed record SupervisorOptions
{
    public BackoffOptions Backoff { get; init; } = new();
    public int Parallelism { get; init; }
    /// <summary>Back-off between attempts to reach the engine's event stream again.</summary>
    public TimeSpan ReconnectCap { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Held around every observe-plan-execute, so a repair never races another command changing the project.</summary>
    public Func<CancellationToken, Task<IDisposable>>? ChangeGate { get; init; }
    /// <summary>Runs after each resync has made the project whole (watch across hosts re-points import ambassadors here).</summary>
    public Func<CancellationToken, Task>? AfterResync { get; init; }
}

/// <summary>
/// Watch mode: resync by listing the project, then follow its event stream. A container that crashes, turns
/// unhealthy or is removed is brought back (started again, or recreated from the model) after a back-off, and every
/// dependent whose connection data went stale is relinked through the planner (recreated), in dependency order and
/// transitively; dependents that find it by name are left alone. A dropped stream or a restarted engine is survived:
/// reconnect with back-off (Polly), resync, go on.
/// </summary>
public sealed class Supervisor
{
    private readonly Project _project;
    private readonly IEngine _engine;
    private readonly IEventSource _events;
    private readonly IWatchOutput _output;
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly DependencyGraph _graph;
    private readonly LifecycleTracker _tracker = new();
    private readonly ConcurrentDictionary<string, RestartBackoff> _backoffs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _serviceLocks = new(StringComparer.Ordinal);
    /// <summary>Incidents left to the engine's restart policy, waiting for the container's start: container → (report so far, started at).</summary>
    private readonly ConcurrentDictionary<string, (IncidentReport Report, long Since, ObservedContainer? Before)> _awaitingPolicy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ObservedContainer> _known = new(StringComparer.Ordinal);
    /// <summary>When each container last emitted <c>start</c>: tells a real comeback from a list that lags the event.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastStart = new(StringComparer.Ordinal);
    private readonly List<Task> _work = [];

    public Supervisor(Project project, IEngine engine, IEventSource events, IWatchOutput output, SupervisorOptions? options = null, TimeProvider? time = null)
    {
        _project = project;
        _engine = engine;
        _events = events;
        _output = output;
        _options = options ?? new SupervisorOptions();
        _time = time ?? TimeProvider.System;
        _graph = DependencyGraph.Build(project);
    }

    public IReadOnlyDictionary<string, RestartBackoff> Backoffs => _backoffs;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reconnect = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = _options.ReconnectCap,
                UseJitter = true,
                OnRetry = args =>
                {
                    _output.Info($"lost the engine's event stream ({args.Outcome.Exception?.Message}); reconnecting in {args.RetryDelay.TotalSeconds:0.0} s");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            await reconnect.ExecuteAsync(async token =>
            {
                // The engine's list lags its events: a crash just before the resync can still be listed as running.
                // So events from a little before the list are asked for again; a repair checks the container's state
                // before it acts, so one the resync already undid ends as "already running".
                var since = _time.GetUtcNow() - EventReplay;
                await ResyncAsync(token).ConfigureAwait(false);
                await foreach (var e in _events.StreamAsync(_project.Name, since, token).ConfigureAwait(false))
                    Handle(e, token);
                token.ThrowIfCancellationRequested();
                throw new EngineException("the event stream ended");
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: stop watching, leave the containers as they are.
        }
        // Repairs under way see the same cancellation; give them a moment to finish, but never hang the exit on one.
        Task[] pending;
        lock (_work) pending = [.. _work];
        try
        {
            await Task.WhenAll(pending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _output.Info($"stopped watching with {pending.Count(t => !t.IsCompleted)} repair(s) still under way");
        }
    }

    /// <summary>Lists the project and brings back whatever is missing or not running: nothing is missed across a reconnect.</summary>
    private async Task ResyncAsync(CancellationToken ct)
    {
        using var gate = await EnterChangeAsync(ct).ConfigureAwait(false);
        var observed = await ObserveAsync(ct).ConfigureAwait(false);
        var plan = Planner.PlanUp(_project, observed, new UpOptions { Predecessors = Gone(observed) });
        if (!plan.IsEmpty)
        {
            _output.Info($"resync: {plan.Operations.Length} operation(s) to make the project whole");
            var result = await new PlanExecutor(_engine, null, _options.Parallelism, _time).ExecuteAsync(plan, ct).ConfigureAwait(false);
            foreach (var (id, error) in result.Failures) _output.Info($"resync: {id} failed: {error.Message}");
            observed = await ObserveAsync(ct).ConfigureAwait(false);
        }
        foreach (var c in observed.Containers.Where(c => c.IsRunning)) Backoff(c.Service).MarkRunning(_time.GetUtcNow());
        if (_options.AfterResync is { } after) await after(ct).ConfigureAwait(false);
        _output.Info($"watching {_project.Name}: {observed.Containers.Count(c => c.IsRunning)} container(s) running");
    }

    /// <param name="scope">Only these services' containers (see <see cref="RepairScope"/>); null for the whole project.</param>
    private async Task<ObservedState> ObserveAsync(CancellationToken ct, IReadOnlyCollection<string>? scope = null)
    {
        // What up observes (built images included, so a recreate keeps their id label), without one-off containers.
        var observed = await _engine.ObserveAsync(Observation.For(_project, scope) with { IncludeOneOff = false }, ct).ConfigureAwait(false);
        // Which of two duplicate networks the planner keeps depends on every container attached to them.
        if (scope is not null && observed.Networks.GroupBy(n => n.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
            return await ObserveAsync(ct).ConfigureAwait(false);
        // Only replicas are remembered (a renamed, retiring container has a unique name): the map stays as small as the project.
        foreach (var c in observed.Containers.Where(c => c.IsRunning && !RetiredContainers.IsRetired(c.Name))) _known[c.Name] = c;
        return observed;
    }

    /// <summary>
    /// Containers seen running earlier and missing now: their replacements take over their anonymous volumes. With a
    /// <paramref name="scope"/>, only its services' containers were listed, so only theirs can be missing.
    /// </summary>
    private ImmutableDictionary<string, ObservedContainer> Gone(ObservedState observed, IReadOnlyCollection<string>? scope = null)
    {
        var present = observed.Containers.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return _known.Where(kv => !present.Contains(kv.Key) && (scope is null || scope.Contains(kv.Value.Service))).ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>How far before a resync's list its event subscription starts (see <see cref="RunAsync"/>).</summary>
    private static readonly TimeSpan EventReplay = TimeSpan.FromSeconds(2);

    /// <summary>Above this many services a repair lists the whole project: one list per service would cost more.</summary>
    private const int MaxScopedServices = 8;

    /// <summary>
    /// The services a repair of <paramref name="service"/> reads: its own, those it needs (its containers' specs name
    /// their containers and addresses) and those that need it (relinked or checked). Listing only these keeps a repair
    /// as fast in a 500-container project as in a small one. Null (the whole project) when that is most of it anyway.
    /// </summary>
    private IReadOnlyCollection<string>? RepairScope(Service service)
    {
        var scope = new HashSet<string>(StringComparer.Ordinal) { service.Name };
        foreach (var edge in _graph.EdgesFrom(service.Name)) scope.Add(edge.To);
        foreach (var edge in _graph.EdgesTo(service.Name)) scope.Add(edge.From);
        return scope.Count <= MaxScopedServices && scope.Count * 2 <= _project.Services.Count ? scope : null;
    }

    private async Task<IDisposable?> EnterChangeAsync(CancellationToken ct) =>
        _options.ChangeGate is { } gate ? await gate(ct).ConfigureAwait(false) : null;

    private RestartBackoff Backoff(string service) => _backoffs.GetOrAdd(service, s =>
        new RestartBackoff(_options.Backoff.WithOverrides(_project.Services.GetValueOrDefault(s)?.Extensions ?? ImmutableSortedDictionary<string, string>.Empty)));

    private void Handle(EngineEvent e, CancellationToken ct)
    {
        if (!_project.Services.TryGetValue(e.Service, out var service)) return;
        var verdict = _tracker.Observe(e);
        switch (verdict)
        {
            case Verdict.Started:
                _lastStart[e.ContainerName] = e.Time;
                Backoff(e.Service).MarkRunning(e.Time);
                if (_awaitingPolicy.TryRemove(e.ContainerName, out var waiting))
                    Track(() => FinishAfterPolicyRestartAsync(service, e.ContainerName, waiting.Report, waiting.Since, waiting.Before, ct));
                break;
            case Verdict.Incident incident:
                BeginIncident(service, e, incident, ct);
                break;
        }
    }

    private void Track(Func<Task> work)
    {
        var task = Task.Run(work);
        lock (_work)
        {
            _work.RemoveAll(t => t.IsCompleted);
            _work.Add(task);
        }
    }

    private static bool PolicyRestarts(Service service, IncidentKind kind, int? exitCode) => kind == IncidentKind.Crashed && service.Restart switch
    {
        "always" or "unless-stopped" => true,
        { } r when r.StartsWith("on-failure", StringComparison.Ordinal) => exitCode is not 0,
        _ => false,
    };

    /// <summary>Decided in the event loop, so an engine restart that follows at once is never seen before its incident.</summary>
    private void BeginIncident(Service service, EngineEvent e, Verdict.Incident incident, CancellationToken ct)
    {
        var since = _time.GetTimestamp();
        var backoff = Backoff(service.Name);
        var delay = backoff.OnIncident(e.Time, immediateFirst: incident.Kind == IncidentKind.Removed);
        _known.TryGetValue(e.ContainerName, out var before);
        var report = new IncidentReport
        {
            Container = e.ContainerName, Service = service.Name, Kind = incident.Kind, ExitCode = incident.ExitCode,
            Outcome = "restarted", Backoff = delay, Restarts = backoff.Restarts, CrashLooping = backoff.CrashLooping,
        };
        if (PolicyRestarts(service, incident.Kind, incident.ExitCode))
        {
            // The engine restarts it; Composer does not restart it a second time, it only relinks once it is back.
            _awaitingPolicy[e.ContainerName] = (report with { Outcome = "restarted by its restart policy", Backoff = TimeSpan.Zero }, since, before);
            return;
        }
        // A service's incidents are handled one at a time, in the order of their events: the turn is taken here, in
        // the event loop (the semaphore queues waiters in order), not on whichever pool thread runs first.
        var gate = _serviceLocks.GetOrAdd(service.Name, _ => new SemaphoreSlim(1, 1));
        var turn = gate.WaitAsync(ct);
        Track(() => HandleIncidentAsync(service, e, incident, report, delay, since, before, gate, turn, ct));
    }

    private async Task HandleIncidentAsync(Service service, EngineEvent e, Verdict.Incident incident, IncidentReport report, TimeSpan delay, long since, ObservedContainer? before,
        SemaphoreSlim gate, Task turn, CancellationToken ct)
    {
        await turn.ConfigureAwait(false);
        try
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            using var change = await EnterChangeAsync(ct).ConfigureAwait(false);
            // A removal with stale dependents is repaired by one plan that reaches their dependents: list the whole
            // project for it at once rather than the neighbours first.
            var scope = incident.Kind == IncidentKind.Removed && Dependents(service, moved: true).Stale.Count > 0 ? null : RepairScope(service);
            var (observed, current) = await ObserveConsistentAsync(e, incident.Kind, scope, ct).ConfigureAwait(false);
            var startedSince = _lastStart.TryGetValue(e.ContainerName, out var lastStart) && lastStart > e.Time;
            if (incident.Kind == IncidentKind.Unhealthy && current is { IsRunning: true })
            {
                var plan = new PlanBuilder();
                plan.Add(new StartContainer(current.Name) { Cause = "unhealthy", Service = service.Name },
                    plan.Add(new StopContainer(current.Name, null) { Cause = "unhealthy", Service = service.Name }));
                await RunPlanAsync(plan.Build(), ct).ConfigureAwait(false);
            }
            else if (current is { IsRunning: true } && (startedSince || current.Id != e.ContainerId))
            {
                // Someone (or something) already brought it back: just relink.
                report = report with { Outcome = "already running" };
            }
            else if (current is null && Dependents(service, moved: true) is { Stale.Count: > 0 } dependents)
            {
                // Removed: its replacement is a new container at a new address, so its link and namespace consumers are
                // stale already. One plan repairs both, from this one listing: the consumers are renamed while the
                // target is created, and each replacement is created the moment the target has started.
                var recovered = TimeSpan.Zero;
                var relink = await RecreateStaleAsync(service, observed, dependents.Stale, withTarget: true, () => recovered = _time.GetElapsedTime(since), ct).ConfigureAwait(false);
                var after = await ObserveAsync(ct).ConfigureAwait(false);
                _output.Incident(report with
                {
                    Outcome = "recreated", Recovery = recovered, Total = _time.GetElapsedTime(since), Relinked = relink.Relinked,
                    VerifiedByName = ResolvableDependents(service, after, dependents.NameOnly.Except(dependents.Stale.Keys)), Notes = relink.Notes,
                });
                return;
            }
            else
            {
                await RunPlanAsync(Planner.PlanUp(_project, observed, new UpOptions { Services = [service.Name], NoDeps = true, Predecessors = Gone(observed, scope) }), ct).ConfigureAwait(false);
                report = report with { Outcome = current is null ? "recreated" : "restarted" };
            }
            var recoveredAt = _time.GetElapsedTime(since);
            var relinked = await RelinkAsync(service, before, scope, ct).ConfigureAwait(false);
            _output.Incident(report with { Recovery = recoveredAt, Total = _time.GetElapsedTime(since), Relinked = relinked.Relinked, VerifiedByName = relinked.Verified, Notes = relinked.Notes });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _output.Incident(report with { Outcome = "failed", Error = ex.Message, Total = _time.GetElapsedTime(since) });
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The engine emits <c>die</c> and <c>destroy</c> before its container list shows them (the list reads a replica
    /// that lags, more so under load). Observe until the list agrees with the event or the container started again,
    /// within a bound, so a lagging list is never taken for a container that came back.
    /// </summary>
    private async Task<(ObservedState Observed, ObservedContainer? Current)> ObserveConsistentAsync(EngineEvent e, IncidentKind kind, IReadOnlyCollection<string>? scope, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (true)
        {
            var observed = await ObserveAsync(ct, scope).ConfigureAwait(false);
            var current = observed.Containers.FirstOrDefault(c => c.Name == e.ContainerName);
            var startedSince = _lastStart.TryGetValue(e.ContainerName, out var t) && t > e.Time;
            var consistent = startedSince || current is null || current.Id != e.ContainerId || kind switch
            {
                IncidentKind.Crashed => !current.IsRunning,
                IncidentKind.Removed => false,
                _ => true,
            };
            if (consistent || _time.GetUtcNow() > deadline) return (observed, current);
            await Task.Delay(TimeSpan.FromMilliseconds(25), _time, ct).ConfigureAwait(false);
        }
    }

    private async Task FinishAfterPolicyRestartAsync(Service service, string container, IncidentReport report, long since, ObservedContainer? before, CancellationToken ct)
    {
        try
        {
            var recovered = _time.GetElapsedTime(since);
            using var change = await EnterChangeAsync(ct).ConfigureAwait(false);
            var relink = await RelinkAsync(service, before, RepairScope(service), ct).ConfigureAwait(false);
            _output.Incident(report with { Recovery = recovered, Total = _time.GetElapsedTime(since), Relinked = relink.Relinked, VerifiedByName = relink.Verified, Notes = relink.Notes });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _output.Incident(report with { Outcome = "failed", Error = ex.Message, Total = _time.GetElapsedTime(since) });
        }
    }

    /// <summary>A renamed, replaced container gets its grace period, then is removed (its anonymous volumes went to its replacement).</summary>
    private async Task RetireAsync(RenameContainer retired, CancellationToken ct)
    {
        var grace = _project.Services.GetValueOrDefault(retired.Service ?? "")?.StopGracePeriod;
        try
        {
            await _engine.StopContainerAsync(retired.NewName, grace, ct).ConfigureAwait(false);
            await _engine.RemoveContainerAsync(retired.NewName, removeAnonymousVolumes: false, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _output.Info($"could not remove the replaced container {retired.NewName}: {e.Message}");
        }
    }

    /// <summary>
    /// Recreates the dependents whose connection data is stale now that <paramref name="service"/> is back: a shared
    /// network namespace is gone for good; links (engine links or injected variables) are stale when the target's
    /// container or address changed. Name-only dependents need nothing: the engine's DNS follows the new address, which
    /// is checked (the target has an address on a network the dependent shares) and reported as verified.
    /// </summary>
    private async Task<(ImmutableArray<string> Relinked, ImmutableArray<string> Verified, ImmutableArray<string> Notes)> RelinkAsync(Service service, ObservedContainer? before,
        IReadOnlyCollection<string>? scope, CancellationToken ct)
    {
        var observed = await ObserveAsync(ct, scope).ConfigureAwait(false);
        var after = before is null ? null : observed.Containers.FirstOrDefault(c => c.Name == before.Name);
        var moved = before is null || after is null || before.Id != after.Id || !before.Addresses.SequenceEqual(after.Addresses);
        var (stale, nameOnly) = Dependents(service, moved);
        if (stale.Count == 0) return ([], ResolvableDependents(service, observed, nameOnly), []);
        // The relink plan reaches the dependents' dependents: it reads the whole project.
        if (scope is not null) observed = await ObserveAsync(ct).ConfigureAwait(false);
        var (relinked, notes) = await RecreateStaleAsync(service, observed, stale, withTarget: false, null, ct).ConfigureAwait(false);
        return (relinked, ResolvableDependents(service, observed, nameOnly.Except(stale.Keys)), notes);
    }

    /// <summary>
    /// The services to recreate now that <paramref name="service"/> is back (a shared network namespace always; links
    /// when the target <paramref name="moved"/>), each with its cause, and those that reach it by name only.
    /// </summary>
    private (Dictionary<string, string> Stale, List<string> NameOnly) Dependents(Service service, bool moved)
    {
        var stale = new Dictionary<string, string>(StringComparer.Ordinal);
        var nameOnly = new List<string>();
        foreach (var edge in _graph.EdgesTo(service.Name))
        {
            if (edge.Kind == EdgeKind.NetworkMode) stale[edge.From] = $"relink: {service.Name} restarted (network_mode: service:{service.Name})";
            else if (edge.Kind == EdgeKind.Link && moved) stale[edge.From] = $"relink: {service.Name} moved (links)";
            else if (edge.Kind == EdgeKind.DependsOn && !stale.ContainsKey(edge.From)) nameOnly.Add(edge.From);
        }
        return (stale, nameOnly);
    }

    /// <summary>
    /// The engine's DNS answers the target's name on a network only where the target now has an address: the
    /// containers of <paramref name="services"/> that share such a network with every running target container.
    /// </summary>
    private ImmutableArray<string> ResolvableDependents(Service service, ObservedState observed, IEnumerable<string> services)
    {
        var targets = observed.Containers.Where(c => c.Service == service.Name && c.IsRunning).ToList();
        bool Resolvable(ObservedContainer d) =>
            targets.Count > 0 && targets.All(t => d.Networks.Intersect(t.Networks).Any(n => t.Addresses.ContainsKey(n)));
        var names = services.ToHashSet(StringComparer.Ordinal);
        var dependents = observed.Containers.Where(c => names.Contains(c.Service)).ToList();
        foreach (var d in dependents.Where(d => !Resolvable(d)))
            _output.Info($"{d.Name} shares no network on which {service.Name} has an address: its name will not resolve there");
        return [.. dependents.Where(Resolvable).Select(c => c.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Recreates the <paramref name="stale"/> dependents and theirs (with the target itself when
    /// <paramref name="withTarget"/>), replacement first: the stale containers are renamed out of the way and retired
    /// in the background. <paramref name="targetStarted"/> runs when the target's container has started.
    /// </summary>
    private async Task<(ImmutableArray<string> Relinked, ImmutableArray<string> Notes)> RecreateStaleAsync(Service service, ObservedState observed,
        Dictionary<string, string> stale, bool withTarget, Action? targetStarted, CancellationToken ct)
    {
        var scope = stale.Keys.Concat(_graph.TransitiveDependents(stale.Keys));
        if (withTarget) scope = scope.Prepend(service.Name);
        var plan = Planner.PlanUp(_project, observed, new UpOptions
        {
            Services = [.. scope.Distinct()], NoDeps = true, Recreate = stale.ToImmutableDictionary(), StartReplacementFirst = true, Predecessors = Gone(observed),
        });
        try
        {
            await RunPlanAsync(plan, ct, targetStarted is null ? null : new StartedSink(service.Name, targetStarted)).ConfigureAwait(false);
        }
        finally
        {
            // The stale consumers were renamed and left running so their replacements could start at once: they get
            // their grace period now, in the background, holding up neither this incident nor the next.
            foreach (var retired in plan.Operations.OfType<RenameContainer>()) Track(() => RetireAsync(retired, ct));
        }
        var relinked = plan.Operations.OfType<CreateContainer>().Where(o => o.Service != service.Name)
            .Select(o => o.Spec.Name).Order(StringComparer.Ordinal).ToImmutableArray();
        return (relinked, [.. plan.Warnings]);
    }

    /// <summary>Tells when a service's container has started within a larger plan (the incident's recovery time).</summary>
    private sealed class StartedSink(string service, Action started) : IProgressSink
    {
        public void Report(OperationProgress progress)
        {
            if (progress is { Status: OperationStatus.Done, Operation: StartContainer start } && start.Service == service) started();
        }
    }

    private Task RunPlanAsync(Plan plan, CancellationToken ct, IProgressSink? progress = null) =>
        _engine.RunOrThrowAsync(plan, _options.Parallelism, _time, ct, progress);
}
