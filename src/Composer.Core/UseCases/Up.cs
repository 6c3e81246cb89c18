using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

public enum BuildPolicy { Missing, Always, Never }

/// <param name="WaitTimeout">With <see cref="Wait"/>: give up after this long (Compose's message); null waits as long as it takes.</param>
public sealed record UpRequest(Project Project, UpOptions Options)
{
    public BuildPolicy Build { get; init; } = BuildPolicy.Missing;
    public bool Wait { get; init; }
    public TimeSpan? WaitTimeout { get; init; }
    /// <summary>Then keep the project whole and connected until interrupted (<c>up --watch</c>).</summary>
    public bool Watch { get; init; }
    /// <summary>Then follow the containers' output until interrupted, and stop the project (<c>up</c> without <c>-d</c>).</summary>
    public bool Attach { get; init; }
}

public enum UpOutcome { Succeeded, Failed, Interrupted }

public sealed partial class ComposeActions
{
    /// <summary>
    /// Brings the project to the file's state: under the project's lock, build what is missing (or everything), observe,
    /// plan, execute; then wait (<c>--wait</c>), watch, or follow the output until interrupted.
    /// </summary>
    public async Task<UpOutcome> UpAsync(UpRequest request, CancellationToken cancellationToken)
    {
        var project = request.Project;
        var options = request.Options;
        // Keys this engine cannot honour are named before anything is built or created.
        await engine.CheckRequirementsAsync(project, options.Services, cancellationToken).ConfigureAwait(false);
        var done = await LockedAsync(project.Name, cancellationToken, async () =>
        {
            var observed = await engine.ObserveAsync(Observation.For(project), cancellationToken).ConfigureAwait(false);
            if (request.Build != BuildPolicy.Never)
            {
                // Images come first (all of them, or the missing ones), so the plan sees their new ids.
                var builds = BuildPlanner.PlanBuild(project, options.Services, options.NoDeps, onlyMissing: request.Build == BuildPolicy.Missing, observed.Images);
                if (!builds.IsEmpty)
                {
                    if (!await ExecuteAsync(builds, cancellationToken).ConfigureAwait(false)) return false;
                    observed = await engine.ObserveAsync(Observation.For(project), cancellationToken).ConfigureAwait(false);
                }
            }
            return await ExecuteAsync(Planner.PlanUp(project, observed, options), cancellationToken, project: project).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (!done) return UpOutcome.Failed;
        // Import ambassadors kept across a move or an address change still name the old route in their environment.
        if (engine is Hosts.HostEngines hosts && !options.NoStart) await Hosts.AmbassadorRoutes.SyncAsync(project, hosts, cancellationToken).ConfigureAwait(false);
        if (request.Wait && !options.NoStart && !await WaitAsync(request, cancellationToken).ConfigureAwait(false)) return UpOutcome.Failed;
        if (request.Watch)
            return await WatchAsync(new WatchRequest(project), cancellationToken).ConfigureAwait(false) ? UpOutcome.Succeeded : UpOutcome.Failed;
        if (!request.Attach || options.NoStart || request.Wait) return UpOutcome.Succeeded;
        return await FollowAsync(project, options.Timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>--wait</c>: every selected replica running, or healthy when it has a healthcheck; Compose's message on timeout.</summary>
    private async Task<bool> WaitAsync(UpRequest request, CancellationToken cancellationToken)
    {
        var plan = WaitPlanner.PlanWait(request.Project, request.Options.Services, request.Options.NoDeps, request.Options.Scale);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (request.WaitTimeout is { } timeout && timeout > TimeSpan.Zero) deadline.CancelAfter(timeout);
        try
        {
            return await ExecuteAsync(plan, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output.Error($"application not healthy after {request.WaitTimeout!.Value:g}");
            return false;
        }
    }

    /// <summary>
    /// Attached <c>up</c>: every container's output until interrupted, then the project stops as Compose stops it,
    /// dependents before what they depend on.
    /// </summary>
    private async Task<UpOutcome> FollowAsync(Project project, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(project.Name) { IncludeOneOff = false }, CancellationToken.None).ConfigureAwait(false);
        var containers = observed.Containers.Where(c => project.Services.ContainsKey(c.Service)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        // attach: false keeps a service's output out of the attached view; it still runs and stops with the rest.
        var attached = containers.Where(c => project.Services[c.Service].Runtime.Attach != false).ToList();
        output.Info($"Attaching to {string.Join(", ", attached.Select(c => c.Name))}");
        var writer = output.Logs(attached);
        try
        {
            await foreach (var line in MergeLogs(attached, follow: true, tail: "all", timestamps: false, cancellationToken).ConfigureAwait(false))
                writer.Write(line);
            // Ctrl+C ends every log stream too, and the merged stream may see them end before it sees the cancellation.
            cancellationToken.ThrowIfCancellationRequested();
            return UpOutcome.Succeeded;
        }
        catch (OperationCanceledException)
        {
            output.Info("Gracefully stopping... (press Ctrl+C again to force)");
            var stop = CommandPlanner.PlanStop(observed with { Containers = [.. containers] }, [], timeout, cause: "interrupted");
            await RunAsync(stop, CancellationToken.None).ConfigureAwait(false);
            return UpOutcome.Interrupted;
        }
    }

    /// <summary>The containers' log lines interleaved as they come.</summary>
    private async IAsyncEnumerable<LogLine> MergeLogs(IReadOnlyList<ObservedContainer> containers, bool follow, string? tail, bool timestamps,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = Channel.CreateUnbounded<LogLine>();
        var readers = containers.Select(async c =>
        {
            await foreach (var line in engine.LogsAsync(c.Name, follow, tail, timestamps, cancellationToken).ConfigureAwait(false))
                await lines.Writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        }).ToList();
        _ = Task.WhenAll(readers).ContinueWith(t => lines.Writer.TryComplete(t.IsCanceled ? new OperationCanceledException(cancellationToken) : t.Exception), TaskScheduler.Default);
        await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return line;
    }
}
