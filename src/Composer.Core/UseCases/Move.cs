using System.Diagnostics;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Graph;
using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

/// <param name="Project">The file's project as loaded, before ambassadors are inserted (the move places it where the engines say it runs).</param>
/// <param name="Timeout">The grace period of the provider's stop; null: its own <c>stop_grace_period</c>.</param>
public sealed record MoveRequest(Project Project, string Service, string Host, TimeSpan? Timeout = null);

public sealed partial class ComposeActions
{
    private IUseCaseOutput Output => output;
    private int Parallelism => parallelism;

    /// <summary>
    /// <c>composer move SERVICE --to HOST</c>, under the project's lock: (1) every import ambassador of the service holds
    /// new connections; (2) the service stops, gracefully; (3) its named volumes are created on the new host with the
    /// same labels and filled from the old one; (4) the service and its export ambassador are created and started there;
    /// (5) the imports are pointed at the new host; (6) the old containers, the old volumes and what else the old host
    /// no longer needs are removed. Consumers are not restarted: their connections wait in their ambassador. A failure
    /// before (6) is rolled back (the new host's part removed, the old service started, the imports pointed back) and
    /// reported. The move lasts: the new containers carry the new host's <see cref="HostLabels.Host"/> label, which
    /// <see cref="ObservedPlacement"/> reads.
    /// </summary>
    public async Task<bool> MoveAsync(MoveRequest request, CancellationToken cancellationToken)
    {
        if (engine is not HostEngines hosts)
        {
            output.Error("composer move needs hosts: the file defines no x-composer.hosts");
            return false;
        }
        return await LockedAsync(request.Project.Name, cancellationToken, async () =>
        {
            var observed = await hosts.ObserveAsync(new ObserveRequest(request.Project.Name) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
            var current = ObservedPlacement.Apply(request.Project, ObservedPlacement.Moved(request.Project, observed.Containers));
            var move = ServiceMove.Plan(current, request.Service, request.Host);
            foreach (var problem in move.Problems) output.Error($"cannot move {request.Service}: {problem}");
            if (!move.Problems.IsEmpty) return false;
            if (move.NothingToDo)
            {
                output.Info($"{move.Service} already runs on {move.To}");
                return true;
            }
            if (!observed.Containers.Any(c => c.Service == move.Service))
            {
                output.Error($"cannot move {move.Service}: it has no container on {move.From} (composer up places it; x-composer.host says where)");
                return false;
            }
            if (!hosts.Engines.ContainsKey(move.To))
            {
                output.Error($"cannot move {move.Service}: no engine for host \"{move.To}\"");
                return false;
            }
            foreach (var warning in move.Warnings) output.Warning(warning);
            // The file's anonymous volumes are refused by the plan; the image's own (VOLUME) are only seen on the container.
            var named = move.Current.Volumes.Values.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var mount in observed.Containers.Where(c => c.Service == move.Service).SelectMany(c => c.Mounts).Where(m => !named.Contains(m.VolumeName)).DistinctBy(m => m.Destination))
                output.Warning($"{move.Service}: the anonymous volume at {mount.Destination} (its image's VOLUME) is not copied: it starts empty on {move.To}");
            return await new MoveRun(this, hosts, move, observed, request.Timeout).RunAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>One move's steps, and what undoes each while the move can still be rolled back.</summary>
    private sealed class MoveRun(ComposeActions actions, HostEngines hosts, ServiceMove move, ObservedState observed, TimeSpan? timeout)
    {
        private readonly Stack<(string What, Func<CancellationToken, Task> Undo)> _undo = new();
        private readonly IUseCaseOutput _output = actions.Output;
        private IContainerEngine From => hosts.Engines[move.From];
        private IContainerEngine To => hosts.Engines[move.To];

        private IEnumerable<ObservedContainer> Old(string service) =>
            observed.Containers.Where(c => c.Service == service && c.Labels.GetValueOrDefault(HostLabels.Host) == move.From);

        private IEnumerable<(ObservedContainer Container, IEngineTransfer Engine)> ImportContainers() =>
            from c in observed.Containers
            where move.Imports.Any(i => i.Name == c.Service)
            let host = c.Labels.GetValueOrDefault(HostLabels.Host) ?? ""
            where hosts.Engines.ContainsKey(host)
            select (c, (IEngineTransfer)hosts.Engines[host]);

        public async Task<bool> RunAsync(CancellationToken cancellationToken)
        {
            if (From is not IEngineTransfer from || To is not IEngineTransfer to)
            {
                _output.Error($"cannot move {move.Service}: the engines of {move.From} and {move.To} cannot copy volumes and images");
                return false;
            }
            var clock = Stopwatch.StartNew();
            var step = "preparing";
            TimeSpan? heldFrom = null;
            var mark = TimeSpan.Zero;
            // The time a step took, for the lines that say what the consumers waited for.
            string Since(ref TimeSpan last)
            {
                var took = clock.Elapsed - last;
                last = clock.Elapsed;
                return $"{took.TotalSeconds:0.00} s";
            }
            try
            {
                // Before anything stops: the images the new host needs, and no stale copy of a volume there.
                await EnsureImagesAsync(to, cancellationToken).ConfigureAwait(false);
                var there = await To.ObserveAsync(new ObserveRequest(move.Current.Name), cancellationToken).ConfigureAwait(false);
                if (move.Volumes.FirstOrDefault(v => there.Volumes.Any(o => o.Name == v.Name)) is { } stale)
                {
                    _output.Error($"cannot move {move.Service}: volume {stale.Name} already exists on {move.To}; remove it there first (its content would be mixed with {move.From}'s)");
                    return false;
                }

                step = "holding its importers' connections";
                heldFrom = clock.Elapsed;
                mark = clock.Elapsed;
                foreach (var (container, engine) in ImportContainers())
                {
                    var back = move.OldAddress!;
                    _undo.Push(($"{container.Name} pointed back at {back}", ct => AmbassadorRoutes.PointAsync(engine, container.Name, back, ct)));
                    await AmbassadorRoutes.HoldAsync(engine, container.Name, cancellationToken).ConfigureAwait(false);
                }

                step = $"stopping it on {move.From}";
                foreach (var container in Old(move.Service).Where(c => c.IsRunning))
                {
                    _undo.Push(($"{container.Name} started again on {move.From}", ct => From.StartContainerAsync(container.Name, ct)));
                    await From.StopContainerAsync(container.Name, timeout, cancellationToken).ConfigureAwait(false);
                }
                _output.Info($"{move.Service} stopped on {move.From} ({Since(ref mark)})");

                step = $"copying its volumes to {move.To}";
                foreach (var volume in move.Volumes)
                {
                    var spec = ContainerSpecBuilder.Volume(move.Current, volume);
                    await To.CreateVolumeAsync(spec with { Labels = spec.Labels.SetItem(HostLabels.Host, move.To) }, cancellationToken).ConfigureAwait(false);
                    _undo.Push(($"volume {volume.Name} removed from {move.To}", ct => To.RemoveVolumeAsync(volume.Name, ct)));
                    await EngineTransfers.CopyVolumeAsync(from, to, volume.Name, volume.Name, ImageOf(move.Service), cancellationToken).ConfigureAwait(false);
                    _output.Info($"volume {volume.Name} copied {move.From} → {move.To} ({Since(ref mark)})");
                }

                step = $"starting it on {move.To}";
                _undo.Push(($"{move.Service} removed from {move.To}", RemoveNewAsync));
                if (await StartOnTargetAsync(cancellationToken).ConfigureAwait(false) is { } failure) throw new EngineException(failure);
                _output.Info($"{move.Service} started on {move.To} ({Since(ref mark)})");

                step = "re-pointing its importers";
                foreach (var (container, engine) in ImportContainers())
                    await AmbassadorRoutes.PointAsync(engine, container.Name, move.NewAddress!, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _output.Error($"moving {move.Service} {move.From} → {move.To} failed while {step}: {e.Message}");
                await RollBackAsync().ConfigureAwait(false);
                if (e is OperationCanceledException) throw;
                return false;
            }
            var held = heldFrom is { } h && !move.Imports.IsEmpty ? $" (its importers held {(clock.Elapsed - h).TotalSeconds:0.00} s)" : "";
            await RetireAsync(cancellationToken).ConfigureAwait(false);
            _output.Info($"{move.Service} moved {move.From} → {move.To} in {clock.Elapsed.TotalSeconds:0.00} s{held}");
            return true;
        }

        private string ImageOf(string service) => BuildPlanner.ImageOf(move.Current, move.Current.Services[service]);

        /// <summary>The service's image, and the ambassador's when it has importers, copied to the new host from one that has it.</summary>
        private async Task EnsureImagesAsync(IEngineTransfer to, CancellationToken cancellationToken)
        {
            var images = move.NextExpanded.Services.Values.Where(s => s.Name == move.Service || s.Name == move.Export).Select(s => BuildPlanner.ImageOf(move.NextExpanded, s)).Distinct();
            foreach (var image in images)
            {
                if (await To.ImageAsync(image, cancellationToken).ConfigureAwait(false) is not null) continue;
                foreach (var (host, engine) in hosts.Engines.Where(e => e.Key != move.To))
                {
                    if (engine is not IEngineTransfer source || await engine.ImageAsync(image, cancellationToken).ConfigureAwait(false) is null) continue;
                    await EngineTransfers.CopyImageAsync(source, to, image, cancellationToken).ConfigureAwait(false);
                    _output.Info($"image {image} copied {host} → {move.To}");
                    break;
                }
            }
        }

        /// <summary>
        /// The service and its export as <c>up</c> would make them on the new host: planned against the project after
        /// the move, with the old host's containers of the two left out of what is observed, through an engine routed
        /// by the new placement (networks made where missing).
        /// </summary>
        /// <returns>Null when both run; else what failed.</returns>
        private async Task<string?> StartOnTargetAsync(CancellationToken cancellationToken)
        {
            var next = move.NextExpanded;
            var routed = new HostEngines(hosts.Engines, Placement.Of(next));
            var seen = await routed.ObserveAsync(Observation.For(next), cancellationToken).ConfigureAwait(false);
            bool Moving(ObservedContainer c) => c.Service == move.Service || c.Service == move.Export;
            seen = seen with { Containers = [.. seen.Containers.Where(c => !Moving(c) || c.Labels.GetValueOrDefault(HostLabels.Host) == move.To)] };
            var services = next.Services.ContainsKey(move.Export) ? new[] { move.Service, move.Export } : [move.Service];
            // A stopped service moves stopped.
            var plan = Planner.PlanUp(next, seen, new UpOptions { Services = [.. services], NoDeps = true, NoStart = !Old(move.Service).Any(c => c.IsRunning) });
            var progress = _output.BeginProgress();
            await using (progress.ConfigureAwait(false))
            {
                var result = await new PlanExecutor(routed, progress, actions.Parallelism, actions._time).ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded) return null;
                var failures = result.Failures.Where(f => f.Error is not DependencyFailedException).Select(f => f.Error.Message).Distinct().ToList();
                return failures.Count > 0 ? string.Join("; ", failures) : $"{move.Service} did not start on {move.To}";
            }
        }

        /// <summary>Undo of step 4: whatever of the service and its export the new host has, and networks only they needed there.</summary>
        private async Task RemoveNewAsync(CancellationToken cancellationToken)
        {
            var there = await To.ObserveAsync(new ObserveRequest(move.Current.Name) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
            foreach (var container in there.Containers.Where(c => c.Service == move.Service || c.Service == move.Export))
            {
                if (container.IsRunning) await To.StopContainerAsync(container.Name, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                await To.RemoveContainerAsync(container.Name, removeAnonymousVolumes: true, cancellationToken).ConfigureAwait(false);
            }
            var needed = Placement.Of(move.CurrentExpanded).NetworkHosts;
            foreach (var network in there.Networks.Where(n => needed.GetValueOrDefault(n.Name)?.Contains(move.To) != true))
                await To.RemoveNetworkAsync(network.Name, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Undoes what was done, newest first; says what it did and what it could not.</summary>
        private async Task RollBackAsync()
        {
            // Not cancellable: an interrupted move must still leave the service where it was.
            var undone = new List<string>();
            var failed = new List<string>();
            while (_undo.TryPop(out var step))
            {
                try
                {
                    await step.Undo(CancellationToken.None).ConfigureAwait(false);
                    undone.Add(step.What);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failed.Add($"{step.What}: {e.Message}");
                }
            }
            if (undone.Count > 0) _output.Info($"rolled back: {string.Join("; ", undone)}");
            if (failed.Count > 0) _output.Error($"roll back incomplete, not done: {string.Join("; ", failed)}");
            else _output.Info($"{move.Service} runs on {move.From} as before");
        }

        /// <summary>Step 6: the old host's containers of the service and its export, its old volumes, and networks no service there uses any more.</summary>
        private async Task RetireAsync(CancellationToken cancellationToken)
        {
            var problems = new List<string>();
            async Task Try(string what, Func<Task> action)
            {
                try { await action().ConfigureAwait(false); }
                catch (EngineException e) { problems.Add($"{what}: {e.Message}"); }
            }
            foreach (var container in Old(move.Export).Concat(Old(move.Service)))
            {
                if (container.IsRunning) await Try($"stop {container.Name}", () => From.StopContainerAsync(container.Name, timeout, cancellationToken)).ConfigureAwait(false);
                await Try($"remove {container.Name}", () => From.RemoveContainerAsync(container.Name, removeAnonymousVolumes: true, cancellationToken)).ConfigureAwait(false);
            }
            foreach (var volume in move.Volumes)
                await Try($"remove volume {volume.Name}", () => From.RemoveVolumeAsync(volume.Name, cancellationToken)).ConfigureAwait(false);
            var stillNeeded = Placement.Of(move.NextExpanded).NetworkHosts;
            var left = await From.ObserveAsync(new ObserveRequest(move.Current.Name), cancellationToken).ConfigureAwait(false);
            foreach (var network in left.Networks.Where(n => stillNeeded.GetValueOrDefault(n.Name)?.Contains(move.From) != true))
                await Try($"remove network {network.Name}", () => From.RemoveNetworkAsync(network.Name, cancellationToken)).ConfigureAwait(false);
            if (problems.Count > 0) _output.Warning($"{move.Service} runs on {move.To}, but on {move.From} these are left: {string.Join("; ", problems)}");
        }
    }
}
