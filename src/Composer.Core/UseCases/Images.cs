using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

public sealed record PullRequest(Project Project, IReadOnlyCollection<string> Services)
{
    public bool Quiet { get; init; }
}

/// <summary>The images that could not be pulled: the service that names each, and the engine's reason.</summary>
public sealed record PullFailure(string Service, string Image, string Detail, bool Offline);

public sealed partial class ComposeActions
{
    /// <summary>Builds every selected service with <c>build:</c>; false when a build failed. Says so when there is nothing to build.</summary>
    public async Task<bool> BuildAsync(ServicesRequest request, CancellationToken cancellationToken)
    {
        var plan = BuildPlanner.PlanBuild(request.Target.Project!, request.Services, noDeps: true, onlyMissing: false, new Dictionary<string, string?>());
        if (plan.IsEmpty) output.Info("No service has a build section: nothing to build");
        return await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pulls each service image once; returns what failed (nothing when all succeeded).</summary>
    public async Task<IReadOnlyList<PullFailure>> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        var plan = CommandPlanner.PlanPull(request.Project, request.Services);
        var result = await RunAsync(plan, cancellationToken, request.Quiet).ConfigureAwait(false);
        var byId = plan.Operations.ToDictionary(o => o.Id);
        return [.. result.Failures.OrderBy(f => f.Id, StringComparer.Ordinal).Select(f =>
        {
            var op = (PullImage)byId[f.Id];
            var detail = f.Error is ImageNotFoundException nf ? nf.Detail : f.Error.Message;
            var offline = OfflineSigns.Any(s => detail.Contains(s, StringComparison.OrdinalIgnoreCase));
            return new PullFailure(op.Service ?? "", op.Image, detail, offline);
        })];
    }

    private static readonly string[] OfflineSigns = ["no such host", "dial tcp", "connection refused", "i/o timeout", "network is unreachable", "TLS handshake timeout"];
}
