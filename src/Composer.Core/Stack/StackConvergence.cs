using Composer.Core.Model;

namespace Composer.Core.Stack;

/// <summary>A service's state on the Swarm, as <c>stack deploy</c> shows it: <c>2/3 running</c> and the last failure's reason.</summary>
public sealed record ServiceProgress(string Service, int Running, int Desired, bool Converged, string? Failure)
{
    public int Completed { get; init; }
    public override string ToString() => $"{Running}/{Desired} running" + (Failure is null || Converged ? "" : $": {Failure}");
}

/// <summary>Pure reading of tasks into progress and depends_on conditions.</summary>
public static class StackConvergence
{
    /// <summary>
    /// <paramref name="since"/>: failures older than the deploy are history, not news. A task with a healthcheck reaches
    /// <c>running</c> only once healthy (Swarm holds it in <c>starting</c>), so running also means healthy.
    /// </summary>
    public static ServiceProgress Of(string service, ObservedSwarmService? observed, IEnumerable<ObservedTask> allTasks, DateTimeOffset since)
    {
        if (observed is null) return new ServiceProgress(service, 0, 0, false, null);
        var tasks = allTasks.Where(t => t.ServiceId == observed.Id).ToList();
        // While an update rolls, tasks of the previous spec still run: only the current spec's tasks count.
        var active = tasks.Where(t => t.DesiredState == "running" && (t.SpecHash is null || observed.SpecHash is null || t.SpecHash == observed.SpecHash)).ToList();
        var running = active.Count(t => t.IsRunning);
        var desired = observed.Mode switch
        {
            "global" or "global-job" => active.Count,
            _ => observed.Replicas,
        };
        var updating = observed.UpdateState is "updating" or "rollback_started";
        var completed = tasks.Count(t => t.State == "complete" && t.ExitCode is null or 0);
        var converged = observed.Mode switch
        {
            "replicated-job" => completed >= observed.Replicas,
            "global-job" => tasks.Count > 0 && tasks.All(t => t.State == "complete"),
            "global" => !updating && desired > 0 && running == desired,
            _ => !updating && running == desired && active.Count == desired,
        };
        var failure = tasks.Where(t => t.IsFailed && (t.StateSince ?? t.CreatedAt ?? DateTimeOffset.MaxValue) >= since)
            .OrderByDescending(t => t.StateSince).Select(t => $"task {t.State}: {t.Error ?? t.Message}").FirstOrDefault();
        if (failure is null && observed.UpdateState is "paused" or "rollback_paused" or "rollback_completed")
            failure = $"update {observed.UpdateState}: {observed.UpdateMessage}";
        return new ServiceProgress(service, running, desired, converged, failure) { Completed = completed };
    }

    /// <summary>Whether a dependency meets a depends_on condition now; throws when it never can (a job's task failed).</summary>
    public static bool Meets(string condition, ServiceProgress dependency, ObservedSwarmService? observed, IEnumerable<ObservedTask> tasks)
    {
        if (condition != DependencyCondition.CompletedSuccessfully) return dependency.Converged;
        if (observed is null) return false;
        var own = tasks.Where(t => t.ServiceId == observed.Id).ToList();
        if (own.FirstOrDefault(t => t.State == "failed" && t.ExitCode is not (null or 0)) is { } failed)
            throw new Engine.ConditionFailedException(dependency.Service, condition,
                $"service \"{dependency.Service}\" didn't complete successfully: exit {failed.ExitCode}", (int?)failed.ExitCode);
        return own.Count > 0 && own.Any(t => t.State == "complete") && !own.Any(t => t.DesiredState == "running" && t.State != "complete");
    }
}
