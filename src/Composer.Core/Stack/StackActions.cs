using System.Collections.Concurrent;
using System.Collections.Immutable;
using Composer.Core.Graph;
using Composer.Core.Model;

namespace Composer.Core.Stack;

public sealed record StackDeployRequest(Project Project)
{
    public bool Prune { get; init; }
    /// <summary>Return once the calls are made, without waiting for dependencies or convergence (docker stack deploy's way).</summary>
    public bool Detach { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Whether this kernel has IPVS (Swarm VIPs and the ingress mesh need it); only changes warnings.</summary>
    public bool IpvsAvailable { get; init; } = true;
}

public sealed record StackDeployResult(StackPlan Plan, bool Converged, ImmutableSortedDictionary<string, ServiceProgress> Progress)
{
    /// <summary>Services that did not start because a dependency never met its condition, with the reason.</summary>
    public ImmutableSortedDictionary<string, string> Failures { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>Where a deploy reports progress: one call per change of a service's state.</summary>
public interface IStackProgress
{
    void Report(string service, string status);
}

/// <summary>
/// The <c>composer stack</c> use cases: plan, deploy, remove. One entry point per user action; the command line only
/// parses and renders. Polls the manager (Swarm has no event for task state) with a shared, coalesced observation, so
/// many waiting services cost one read pass per interval.
/// </summary>
public sealed class StackActions(ISwarmEngine engine, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public async Task<StackPlan> PlanAsync(Project project, bool prune, bool ipvsAvailable, CancellationToken cancellationToken)
    {
        await engine.EnsureManagerAsync(cancellationToken).ConfigureAwait(false);
        var spec = StackSpecBuilder.Build(project, ipvsAvailable: ipvsAvailable);
        var observed = await engine.ObserveAsync(project.Name, cancellationToken).ConfigureAwait(false);
        return StackPlanner.Plan(spec, observed, DependencyGraph.Build(project), prune);
    }

    public async Task<StackDeployResult> DeployAsync(StackDeployRequest request, IStackProgress progress, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var plan = await PlanAsync(request.Project, request.Prune, request.IpvsAvailable, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        var poller = new Poller(engine, plan.Stack, PollInterval, _time);

        await Task.WhenAll(plan.Infrastructure.Select(op => op switch
        {
            CreateStackNetwork n => engine.CreateNetworkAsync(n.Network, cancellationToken),
            CreateStackFile f => engine.CreateFileObjectAsync(f.File, cancellationToken),
            _ => Task.CompletedTask,
        })).ConfigureAwait(false);
        await Task.WhenAll(plan.Removals.Select(r => engine.RemoveServiceAsync(r.Id, cancellationToken))).ConfigureAwait(false);

        var last = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        void Report(string service, string status)
        {
            if (last.TryGetValue(service, out var before) && before == status) return;
            last[service] = status;
            progress.Report(service, status);
        }

        // Services in dependency order: each is created or updated once what it depends on meets its condition.
        var failures = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var results = await DagWalker.WalkAsync(
            plan.Services.Keys.ToList(),
            s => request.Detach ? [] : plan.Dependencies.GetValueOrDefault(s, ImmutableSortedDictionary<string, string>.Empty).Keys,
            async (service, ct) =>
            {
                if (!request.Detach)
                    foreach (var (dependency, condition) in plan.Dependencies[service])
                    {
                        if (!plan.Services.ContainsKey(dependency)) continue;
                        Report(service, $"waiting for {dependency} ({condition})");
                        await WaitForConditionAsync(poller, plan.Services[dependency].Name, dependency, condition, started, Report, deadline.Token).ConfigureAwait(false);
                    }
                switch (plan.ServiceOperations.GetValueOrDefault(service))
                {
                    case CreateStackService c:
                        Report(service, "creating");
                        await engine.CreateServiceAsync(c.Spec, ct).ConfigureAwait(false);
                        Report(service, "created");
                        break;
                    case UpdateStackService u:
                        Report(service, "updating");
                        await engine.UpdateServiceAsync(u.Id, u.Version, u.Spec, ct).ConfigureAwait(false);
                        Report(service, "updated");
                        break;
                }
                poller.Invalidate();
            },
            cancellationToken).ConfigureAwait(false);
        foreach (var (service, error) in results)
            if (error is not null)
                failures[service] = error is OperationCanceledException && !cancellationToken.IsCancellationRequested
                    ? $"timed out after {request.Timeout.TotalSeconds:0} s waiting for its dependencies: {string.Join(", ", plan.Dependencies[service].Keys)}"
                    : error.Message;
        cancellationToken.ThrowIfCancellationRequested();

        if (request.Detach && failures.IsEmpty) return new StackDeployResult(plan, false, ImmutableSortedDictionary<string, ServiceProgress>.Empty);
        if (!failures.IsEmpty)
        {
            // Where the services that did get created stand, so the failed dependency's reason is printed too.
            var final = Progress(plan, await engine.ObserveAsync(plan.Stack, cancellationToken).ConfigureAwait(false), started);
            return new StackDeployResult(plan, false, final.RemoveRange(failures.Keys)) { Failures = failures.ToImmutableSortedDictionary(StringComparer.Ordinal) };
        }

        // Wait until every service has converged, reporting each change of its running count or failure.
        ImmutableSortedDictionary<string, ServiceProgress> current = ImmutableSortedDictionary<string, ServiceProgress>.Empty;
        while (true)
        {
            var observed = await poller.NextAsync(cancellationToken).ConfigureAwait(false);
            current = Progress(plan, observed, started);
            foreach (var p in current.Values) Report(p.Service, p.ToString());
            if (current.Values.All(p => p.Converged)) return new StackDeployResult(plan, true, current);
            if (deadline.IsCancellationRequested) return new StackDeployResult(plan, false, current);
            try { await Task.Delay(PollInterval, _time, deadline.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
        }
    }

    public static ImmutableSortedDictionary<string, ServiceProgress> Progress(StackPlan plan, ObservedStack observed, DateTimeOffset since) =>
        plan.Services.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => StackConvergence.Of(kv.Key, observed.Services.FirstOrDefault(s => s.Name == kv.Value.Name), observed.Tasks, since),
            StringComparer.Ordinal);

    private async Task WaitForConditionAsync(Poller poller, string engineName, string dependency, string condition, DateTimeOffset since, Action<string, string> report, CancellationToken cancellationToken)
    {
        while (true)
        {
            var observed = await poller.NextAsync(cancellationToken).ConfigureAwait(false);
            var service = observed.Services.FirstOrDefault(s => s.Name == engineName);
            var progress = StackConvergence.Of(dependency, service, observed.Tasks, since);
            if (service is not null) report(dependency, progress.ToString());
            if (StackConvergence.Meets(condition, progress, service, observed.Tasks)) return;
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes exactly the stack's objects (by namespace label): services, then, once their tasks are gone, networks, configs and secrets.</summary>
    public async Task<ObservedStack> RemoveAsync(string stack, Action<string> report, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await engine.EnsureManagerAsync(cancellationToken).ConfigureAwait(false);
        var observed = await engine.ObserveAsync(stack, cancellationToken).ConfigureAwait(false);
        foreach (var s in observed.Services) report($"Removing service {s.Name}");
        await Task.WhenAll(observed.Services.Select(s => engine.RemoveServiceAsync(s.Id, cancellationToken))).ConfigureAwait(false);
        var deadline = _time.GetUtcNow() + timeout;
        // A network cannot go while a task's container is still attached to it.
        // A task on a node that is down stays listed until the node comes back: it cannot be waited for.
        static int Left(ObservedStack o) => o.Tasks.Count(t => o.Nodes.FirstOrDefault(n => n.Id == t.NodeId)?.State is null or "ready");
        var now = observed;
        while (Left(now) > 0 && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
            now = await engine.ObserveAsync(stack, cancellationToken).ConfigureAwait(false);
        }
        if (Left(now) > 0) throw new Engine.EngineException($"stack {stack}: {Left(now)} task(s) still present after {timeout.TotalSeconds:0} s; run composer stack rm again");
        foreach (var f in observed.Secrets) { report($"Removing secret {f.Name}"); await engine.RemoveFileObjectAsync(StackFileKind.Secret, f.Id, cancellationToken).ConfigureAwait(false); }
        foreach (var f in observed.Configs) { report($"Removing config {f.Name}"); await engine.RemoveFileObjectAsync(StackFileKind.Config, f.Id, cancellationToken).ConfigureAwait(false); }
        foreach (var n in observed.Networks)
        {
            report($"Removing network {n.Name}");
            // The node's endpoint on an overlay network goes a moment after its last task: retry until the deadline.
            while (true)
            {
                try { await engine.RemoveNetworkAsync(n.Id, cancellationToken).ConfigureAwait(false); break; }
                catch (Engine.EngineException) when (_time.GetUtcNow() < deadline)
                {
                    await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        return observed;
    }

    /// <summary>One observation shared by every waiter that asks within the same interval.</summary>
    private sealed class Poller(ISwarmEngine engine, string stack, TimeSpan interval, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private Task<ObservedStack>? _inFlight;
        private DateTimeOffset _takenAt = DateTimeOffset.MinValue;

        public void Invalidate() { lock (_gate) _takenAt = DateTimeOffset.MinValue; }

        public Task<ObservedStack> NextAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (_inFlight is { } f && (!f.IsCompleted || now - _takenAt < interval)) return f.WaitAsync(cancellationToken);
                _takenAt = now;
                _inFlight = engine.ObserveAsync(stack, CancellationToken.None);
                return _inFlight.WaitAsync(cancellationToken);
            }
        }
    }
}
