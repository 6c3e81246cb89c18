using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>What to ask the engine before planning a project: one rule for up, plan, run and watch.</summary>
public static class Observation
{
    /// <summary>
    /// The project's resources, every image a service runs (built ones too, so their ids land on the containers) and
    /// the external networks and volumes; with <paramref name="services"/>, only those services' containers and images.
    /// </summary>
    public static ObserveRequest For(Project project, IReadOnlyCollection<string>? services = null) => new(project.Name)
    {
        Services = services,
        Images = [.. project.Services.Values.Where(s => (s.Image is not null || s.Build is not null) && (services is null || services.Contains(s.Name)))
            .Select(s => BuildPlanner.ImageOf(project, s)).Distinct()],
        ExternalNetworks = [.. project.Networks.Values.Where(n => n.External).Select(n => n.Name)],
        ExternalVolumes = [.. project.Volumes.Values.Where(v => v.External).Select(v => v.Name)],
    };
}
