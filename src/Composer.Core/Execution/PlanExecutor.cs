using Composer.Core.Engine;
using Composer.Core.Graph;
using Composer.Core.Planning;

namespace Composer.Core.Execution;

public enum OperationStatus { Waiting, Running, Done, Failed, Skipped }

/// <summary>Progress of one operation, reported to whatever renders it (TTY, plain, JSON, tests).</summary>
public sealed record OperationProgress(Operation Operation, OperationStatus Status, TimeSpan Elapsed, Exception? Error = null);

public interface IProgressSink
{
    void Report(OperationProgress progress);
}

public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();
    public void Report(OperationProgress progress) { }
}

public sealed record ExecutionResult(IReadOnlyDictionary<string, Exception?> Outcomes)
{
    /// <summary>Failures that do not fail the plan (an optional dependency that failed its condition).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public bool Succeeded => Outcomes.Values.All(e => e is null);
    public IEnumerable<(string Id, Exception Error)> Failures =>
        Outcomes.Where(kv => kv.Value is not null).Select(kv => (kv.Key, kv.Value!));
}

/// <summary>
/// Runs a plan's DAG: each operation as soon as those it comes after are done, at most <c>parallelism</c> engine
/// calls at once (waits take no slot, so no limit can deadlock); without a limit, at most
/// <see cref="DefaultParallelism"/>, of which at most <see cref="DefaultJoins"/> starts and <see cref="DefaultLeaves"/> stops. Makes no decisions: a failure fails what comes after it and lets independent
/// branches finish.
/// </summary>
public sealed class PlanExecutor(IEngine engine, IProgressSink? progress = null, int parallelism = 0, TimeProvider? time = null)
{
    private readonly IProgressSink _progress = progress ?? NullProgressSink.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    /// <summary>
    /// The cap when none is given. It was 64: `down` of 200 services then stopped them in waves of 64 and queued every
    /// remove behind the last stop (1.8× the engine's floor). Unlimited, ~480 calls in flight at once were seen to
    /// wedge Engine 20.10; 200 worked. docs/benchmarks.md, "Scale".
    /// </summary>
    public const int DefaultParallelism = 200;
    /// <summary>
    /// Stops and kills in flight at once when no limit is given. Each leaves network endpoints, and Engine 20.10 gets
    /// two things wrong when many do at once on one network: its controller and network locks are taken in opposite
    /// orders (<c>processEndpointDelete</c> against <c>getSvcRecords</c>: 40 chains stopping, and ~480 stops, deadlocked
    /// it), and its endpoint count is a compare-and-swap whose retry drops a concurrent decrement, which leaves a
    /// network it will never remove ("has active endpoints" with none attached, until it restarts): 200 and 500
    /// containers stopped 16 at a time, by Composer and by curl alone, left such networks; 500 stopped 4 at a time did
    /// not. docs/benchmarks.md, "Scale".
    /// </summary>
    public const int DefaultLeaves = 4;
    /// <summary>Starts and restarts in flight at once when no limit is given: they create endpoints on the same count.</summary>
    public const int DefaultJoins = 4;
    private readonly SemaphoreSlim _slots = new(parallelism > 0 ? parallelism : DefaultParallelism);
    private readonly SemaphoreSlim _leaves = new(parallelism > 0 ? parallelism : DefaultLeaves);
    private readonly SemaphoreSlim _joins = new(parallelism > 0 ? parallelism : DefaultJoins);

    public async Task<ExecutionResult> ExecuteAsync(Plan plan, CancellationToken cancellationToken)
    {
        var byId = plan.Operations.ToDictionary(o => o.Id);
        var outcomes = await DagWalker.WalkAsync(
            byId.Keys,
            id => byId[id].AllAfter.Where(byId.ContainsKey).Distinct(),
            (id, ct) => RunAsync(byId[id], ct),
            cancellationToken,
            (id, dep) => byId[id].After.Contains(dep)).ConfigureAwait(false);
        foreach (var (id, error) in outcomes)
            if (error is DependencyFailedException)
                _progress.Report(new OperationProgress(byId[id], OperationStatus.Skipped, TimeSpan.Zero, error));
        return new ExecutionResult(outcomes) { Warnings = [.. _warnings] };
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    private async Task RunAsync(Operation op, CancellationToken cancellationToken)
    {
        var held = false;
        var endpointSlot = op.EndpointChange switch { EndpointChange.Join => _joins, EndpointChange.Leave => _leaves, _ => null };
        SemaphoreSlim? heldEndpointSlot = null;
        if (op.UsesEngineSlot)
        {
            // The scarcer slot first: a stop queued for it holds no general slot a remove could use meanwhile.
            if (endpointSlot is not null)
            {
                await endpointSlot.WaitAsync(cancellationToken).ConfigureAwait(false);
                heldEndpointSlot = endpointSlot;
            }
            try { await _slots.WaitAsync(cancellationToken).ConfigureAwait(false); }
            catch
            {
                heldEndpointSlot?.Release();
                throw;
            }
            held = true;
        }
        var started = _time.GetTimestamp();
        _progress.Report(new OperationProgress(op, OperationStatus.Running, TimeSpan.Zero));
        try
        {
            await DispatchAsync(op, cancellationToken).ConfigureAwait(false);
            _progress.Report(new OperationProgress(op, OperationStatus.Done, _time.GetElapsedTime(started)));
        }
        catch (Exception e)
        {
            _progress.Report(new OperationProgress(op, OperationStatus.Failed, _time.GetElapsedTime(started), e));
            if (op is WaitContainer { Required: false } && e is ConditionFailedException or EngineException && !cancellationToken.IsCancellationRequested)
            {
                _warnings.Enqueue($"optional dependency \"{op.Service}\": {e.Message}");
                return;
            }
            if (op is PullImage { Required: false } && e is EngineException && !cancellationToken.IsCancellationRequested)
            {
                _warnings.Enqueue($"service \"{op.Service}\": {e.Message}; the image can be built instead");
                return;
            }
            throw;
        }
        finally
        {
            if (held) _slots.Release();
            heldEndpointSlot?.Release();
        }
    }

    private Task DispatchAsync(Operation op, CancellationToken ct) => op switch
    {
        CreateNetwork o => engine.CreateNetworkAsync(o.Spec, ct),
        RemoveNetwork o => engine.RemoveNetworkAsync(o.Name, ct),
        CreateVolume o => engine.CreateVolumeAsync(o.Spec, ct),
        RemoveVolume o => engine.RemoveVolumeAsync(o.Name, ct),
        PullImage o => engine.PullImageAsync(o.Image, ct),
        CreateContainer o => CreateAsync(o.Spec, ct),
        StartContainer o => engine.StartContainerAsync(o.Name, ct),
        StopContainer o => engine.StopContainerAsync(o.Name, o.Timeout, ct),
        RemoveContainer o => engine.RemoveContainerAsync(o.Name, o.RemoveAnonymousVolumes, ct),
        RenameContainer o => engine.RenameContainerAsync(o.Name, o.NewName, ct),
        WaitContainer o => engine.WaitForConditionAsync(o.Name, o.Condition, ct),
        KillContainer o => engine.KillContainerAsync(o.Name, o.Signal, ct),
        RestartContainer o => engine.RestartContainerAsync(o.Name, o.Timeout, ct),
        BuildImage o => engine.BuildImageAsync(o.Image, o.Build, ct),
        _ => throw new NotSupportedException($"no executor for {op.GetType().Name}"),
    };

    /// <summary>Link and discovery variables hold addresses, known only now: resolved right before the create.</summary>
    private async Task CreateAsync(ContainerSpec spec, CancellationToken ct)
    {
        if (!spec.LinkTargets.IsEmpty)
        {
            var targets = new Dictionary<string, ContainerEndpoints?>(StringComparer.Ordinal);
            foreach (var container in spec.LinkTargets.Select(t => t.Container).Distinct())
                targets[container] = await engine.InspectEndpointsAsync(container, ct).ConfigureAwait(false);
            spec = LinkVariables.Apply(spec, targets);
        }
        await engine.CreateContainerAsync(spec, ct).ConfigureAwait(false);
        foreach (var warning in engine.TakeCreateWarnings(spec.Name)) _warnings.Enqueue($"container {spec.Name}: {warning}");
    }
}
