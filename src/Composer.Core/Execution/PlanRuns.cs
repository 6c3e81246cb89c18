using Composer.Core.Engine;
using Composer.Core.Graph;
using Composer.Core.Planning;

namespace Composer.Core.Execution;

public static class PlanRuns
{
    /// <summary>
    /// Runs a plan (watch mode's repairs and syncs), reporting progress only to the sink given; throws naming each failure, leaving out the
    /// operations skipped because a dependency failed (the failure that caused them is named).
    /// </summary>
    public static async Task RunOrThrowAsync(this IEngine engine, Plan plan, int parallelism, TimeProvider time, CancellationToken cancellationToken, IProgressSink? progress = null)
    {
        if (plan.IsEmpty) return;
        var result = await new PlanExecutor(engine, progress, parallelism, time).ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new EngineException(string.Join("; ", result.Failures.Where(f => f.Error is not DependencyFailedException).Select(f => f.Error.Message)));
    }
}
