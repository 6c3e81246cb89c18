using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Hosts;

/// <summary>What <c>composer plan</c> adds for a multi-host project: the engines an operation runs on, and why an ambassador is there.</summary>
public static class PlanHosts
{
    /// <summary>The hosts the operation goes to, comma-separated; empty when the placement does not say.</summary>
    public static string HostsOf(Operation operation, Placement placement)
    {
        IEnumerable<string> hosts = operation switch
        {
            CreateNetwork n => placement.NetworkHosts.GetValueOrDefault(n.Spec.Name) ?? [],
            RemoveNetwork n => placement.NetworkHosts.GetValueOrDefault(n.Name) ?? [],
            CreateVolume v => placement.VolumeHosts.GetValueOrDefault(v.Spec.Name) ?? [],
            RemoveVolume v => placement.VolumeHosts.GetValueOrDefault(v.Name) ?? [],
            PullImage i => placement.ImageHosts.GetValueOrDefault(i.Image) ?? [],
            _ when operation.Service is { } service => [placement.HostOf(service)],
            _ => [],
        };
        return string.Join(", ", hosts);
    }

    /// <summary>For an inserted ambassador: what it carries, where, and for whom; null for the file's own services.</summary>
    public static string? WhyInserted(Project project, string service)
    {
        if (!project.Services.TryGetValue(service, out var s) || AmbassadorExpansion.ProviderOf(s) is not { } provider) return null;
        var role = s.Labels.GetValueOrDefault(HostLabels.Ambassador);
        var carries = role == "export"
            ? $"publishes {provider} on {project.Host(s.HostOf())?.Address}:{s.Ports.FirstOrDefault()?.Published}"
            : $"answers as {provider} on {s.HostOf()}, forwarding to {s.Environment.GetValueOrDefault("AMBASSADOR_TARGET")}";
        return $"cross-host ambassador ({role}): {carries}, because {s.Labels.GetValueOrDefault(HostLabels.AmbassadorWhy)}";
    }
}
