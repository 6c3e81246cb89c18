using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Graph;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

/// <summary>
/// The use cases: one entry point per user action (Compose's <c>api.Service</c>), each taking a request record and
/// returning a result or a stream. The path of every command is command → use case → planner → executor → engine
/// port → adapter: commands parse flags, call one of these and render; only these observe, plan and execute.
/// </summary>
public sealed partial class ComposeActions(IContainerEngine engine, IUseCaseOutput output, IProjectLocks locks, int parallelism = 0, TimeProvider? time = null)
    : IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Dispose() => (engine as IDisposable)?.Dispose();

    /// <summary>
    /// Runs a plan with progress, then reports its warnings and failures by service, as Compose words them. True when
    /// every required operation succeeded; throws <see cref="OperationCanceledException"/> when interrupted.
    /// </summary>
    /// <param name="project">The project the plan is for, to explain an engine error in its terms (a host port conflict).</param>
    private async Task<bool> ExecuteAsync(Plan plan, CancellationToken cancellationToken, bool quiet = false, Project? project = null)
    {
        foreach (var warning in plan.Warnings) output.Warning(warning);
        if (plan.IsEmpty) return true;
        var result = await RunAsync(plan, cancellationToken, quiet).ConfigureAwait(false);
        foreach (var warning in result.Warnings) output.Warning(warning);
        if (result.Succeeded) return true;
        cancellationToken.ThrowIfCancellationRequested();

        var byId = plan.Operations.ToDictionary(o => o.Id);
        foreach (var (id, error) in result.Failures.Where(f => f.Error is not DependencyFailedException).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var op = byId[id];
            // A dependency's condition names its service itself, as Compose words it.
            var who = op.Service is null || error is ConditionFailedException ? "" : $"service \"{op.Service}\": ";
            output.Error($"{who}{(project is null ? error.Message : PortConflicts.Explain(project, op.Service, error.Message))}");
        }
        var skipped = result.Failures.Where(f => f.Error is DependencyFailedException && byId[f.Id] is not WaitContainer).Select(f => byId[f.Id].Service).OfType<string>().Distinct().Order().ToList();
        if (skipped.Count > 0) output.Error($"not started because a dependency failed: {string.Join(", ", skipped)}");
        return false;
    }

    private async Task<ExecutionResult> RunAsync(Plan plan, CancellationToken cancellationToken, bool quiet = false)
    {
        var progress = output.BeginProgress(quiet);
        await using (progress.ConfigureAwait(false))
            return await new PlanExecutor(engine, progress, parallelism, _time).ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Observes and changes the project under its lock, so two composers never race on it.</summary>
    private async Task<T> LockedAsync<T>(string project, CancellationToken cancellationToken, Func<Task<T>> body)
    {
        using var held = await locks.AcquireAsync(project, cancellationToken).ConfigureAwait(false);
        return await body().ConfigureAwait(false);
    }
}
