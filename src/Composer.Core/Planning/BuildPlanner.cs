using Composer.Core.Graph;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>Which images to build before <c>up</c> plans: every selected service with <c>build:</c> (--build, <c>composer build</c>) or only those whose image is missing.</summary>
public static class BuildPlanner
{
    /// <summary>The image a service runs: its <c>image:</c>, or <c>&lt;project&gt;-&lt;service&gt;</c> when it is built without one.</summary>
    public static string ImageOf(Project project, Service service) => service.Image ?? $"{project.Name}-{service.Name}";

    public static Plan PlanBuild(Project project, IReadOnlyCollection<string> services, bool noDeps, bool onlyMissing, IReadOnlyDictionary<string, string?> localImages)
    {
        var graph = DependencyGraph.Build(project);
        var selected = graph.Select(services, noDeps);
        var plan = new PlanBuilder();
        foreach (var service in project.Services.Values.Where(s => s.Build is not null && selected.Contains(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var image = ImageOf(project, service);
            // pull_policy: build builds at every up, as Compose does (`up --no-build` still builds nothing).
            var always = service.PullPolicy == "build";
            if (onlyMissing && !always && localImages.GetValueOrDefault(image) is not null) continue;
            // Two services building one image build it once, as the first (by name) says.
            if (plan.Nodes.Any(n => n.Operation is BuildImage b && b.Image == image)) continue;
            plan.Add(new BuildImage(image, service.Build!) { Service = service.Name, Cause = !onlyMissing ? "build" : always ? "pull_policy: build" : "image not present locally" });
        }
        return plan.Build();
    }
}
