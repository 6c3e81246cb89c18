using Composer.Core.Engine;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

/// <summary>Services of a project named on the command line; empty means all.</summary>
public sealed record ServicesRequest(ProjectTarget Target, IReadOnlyCollection<string> Services);

public sealed record StopRequest(ProjectTarget Target, IReadOnlyCollection<string> Services, TimeSpan? Timeout);

public sealed record KillRequest(ProjectTarget Target, IReadOnlyCollection<string> Services, string Signal, bool RemoveOrphans);

/// <param name="Confirm">Asked with the containers to remove; false removes nothing.</param>
public sealed record RemoveRequest(ProjectTarget Target, IReadOnlyCollection<string> Services, bool Stop, bool RemoveAnonymousVolumes, Func<IReadOnlyList<string>, bool> Confirm);

public sealed record DownRequest(ProjectTarget Target, DownOptions Options);

/// <summary>start, stop, restart, kill, rm and down: observe the project's containers under its lock, plan, execute.</summary>
public sealed partial class ComposeActions
{
    public Task<bool> StartAsync(ServicesRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Target, observed => CommandPlanner.PlanStart(observed, request.Services), cancellationToken);

    public Task<bool> StopAsync(StopRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Target, observed => CommandPlanner.PlanStop(observed, request.Services, request.Timeout), cancellationToken);

    public Task<bool> RestartAsync(StopRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Target, observed => CommandPlanner.PlanRestart(observed, request.Services, request.Timeout), cancellationToken);

    /// <summary>Sends the signal; with <see cref="KillRequest.RemoveOrphans"/> also removes the containers of services the file no longer has.</summary>
    public Task<bool> KillAsync(KillRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Target, observed => CommandPlanner.PlanKill(observed, request.Services, request.Signal,
            request.RemoveOrphans ? request.Target.Project : null), cancellationToken);

    public Task<bool> RemoveAsync(RemoveRequest request, CancellationToken cancellationToken) =>
        LockedAsync(request.Target.Name, cancellationToken, async () =>
        {
            var observed = await engine.ObserveAsync(new ObserveRequest(request.Target.Name), cancellationToken).ConfigureAwait(false);
            var plan = CommandPlanner.PlanRemove(observed, request.Services, request.Stop, request.RemoveAnonymousVolumes);
            var names = plan.Operations.OfType<RemoveContainer>().Select(o => o.Name).ToList();
            if (names.Count == 0)
            {
                output.Info("No stopped containers");
                return true;
            }
            return !request.Confirm(names) || await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        });

    public Task<bool> DownAsync(DownRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Target, observed => Planner.PlanDown(request.Target.Project, observed, request.Options), cancellationToken);

    private Task<bool> ChangeAsync(ProjectTarget target, Func<ObservedState, Plan> plan, CancellationToken cancellationToken) =>
        LockedAsync(target.Name, cancellationToken, async () =>
        {
            var observed = await engine.ObserveAsync(new ObserveRequest(target.Name), cancellationToken).ConfigureAwait(false);
            return await ExecuteAsync(plan(observed), cancellationToken).ConfigureAwait(false);
        });
}
