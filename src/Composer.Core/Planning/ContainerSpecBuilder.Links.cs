using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

public static partial class ContainerSpecBuilder
{
    /// <summary>
    /// The dependencies a container gets address variables for: every link and external link, and every depends_on
    /// with <c>restart: true</c>. Only those, because only those recreate the consumer when the target is recreated
    /// (the planner's cascade), so a consumer never runs with an address its target no longer has. Plain depends_on
    /// consumers find the service by name (DNS) or with <c>composer endpoints</c>.
    /// </summary>
    public static ImmutableArray<LinkTarget> LinkTargetsOf(Project project, Service service)
    {
        // The engine writes link variables itself only on the default bridge; elsewhere Composer writes them.
        var composerWritesLinkVariables = service.NetworkMode is null;
        var targets = new List<LinkTarget>();
        foreach (var link in service.Links.Where(l => project.Services.ContainsKey(l.Service)))
            targets.Add(new LinkTarget(link.Alias, project.ContainerName(project.Services[link.Service], 1), composerWritesLinkVariables));
        foreach (var external in service.ExternalLinks)
        {
            var parts = external.Split(':', 2);
            targets.Add(new LinkTarget(parts.Length == 2 ? parts[1] : parts[0], parts[0], composerWritesLinkVariables, External: true));
        }
        // A linked service already has its targets above (links imply a depends_on entry too).
        foreach (var (name, dependency) in service.DependsOn.Where(d => d.Value.Restart && project.Services.ContainsKey(d.Key) && service.Links.All(l => l.Service != d.Key)))
            // A provider on another host is reached through its import ambassador, under the provider's own name.
            targets.Add(new LinkTarget(project.Services[name].Labels.GetValueOrDefault(HostLabels.AmbassadorFor) ?? name, project.ContainerName(project.Services[name], 1), false));
        return [.. targets.DistinctBy(t => t.Alias)];
    }
}
