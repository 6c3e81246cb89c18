using Composer.Core.Model;

namespace Composer.Core.Engine;

/// <summary>The engine a project runs on, as far as what it can honour goes.</summary>
/// <param name="Version">The engine's version, e.g. <c>20.10.24</c>.</param>
/// <param name="ApiVersion">Its highest Engine API version, e.g. <c>1.41</c>.</param>
/// <param name="Os">The engine's OS, <c>linux</c> or <c>windows</c>.</param>
public sealed record EngineInfo(string Version, string ApiVersion, string Os = "linux")
{
    /// <summary>An engine that can do nothing optional: used to tell whether a project needs the real version at all.</summary>
    public static readonly EngineInfo Oldest = new("0", "1.0");

    public override string ToString() => $"Docker Engine {Version} (API {ApiVersion})";

    public bool ApiAtLeast(int major, int minor) =>
        System.Version.TryParse(ApiVersion, out var api) && api >= new System.Version(major, minor);
}

/// <summary>
/// The compose keys an engine cannot honour, each named with what it needs and the engine's version: <c>up</c> fails
/// with them before it creates anything, <c>build</c> before it sends the context. Pure, so the unit tests can pin
/// every key Composer passes on only to engines that can apply it.
/// </summary>
public static class EngineRequirements
{
    /// <summary>Engine API versions of the Docker Engine releases the messages name.</summary>
    private static string Needs(string what, string api, string engineRelease, EngineInfo engine) =>
        $"{what} needs Engine API {api} (Docker Engine {engineRelease}) or later; this is {engine}";

    /// <summary>What the selected services (all when none is named) ask of <paramref name="engine"/> that it cannot do.</summary>
    public static List<string> Problems(Project project, IReadOnlyCollection<string> services, EngineInfo engine)
    {
        var problems = new List<string>();
        var selected = project.Services.Values.Where(s => services.Count == 0 || services.Contains(s.Name)).ToList();
        foreach (var s in selected)
        {
            var at = $"service \"{s.Name}\"";
            var r = s.Runtime;
            if (r.Provider is { } provider)
                problems.Add($"{at}: 'provider' (type \"{provider.Type}\") is run by the Compose provider plugin docker-{provider.Type}, " +
                             $"which Composer does not run; {engine} cannot start it as a container");
            if (r.PreStart is not null)
                problems.Add($"{at}: 'pre_start' asks for init containers run to completion before the service starts; Composer does not run them " +
                             "(run the step as a service with depends_on: condition: service_completed_successfully)");
            if (!r.Models.IsEmpty)
                problems.Add($"{at}: 'models' ({string.Join(", ", r.Models.Keys)}) needs Docker Model Runner, which {engine} does not provide");
            if (!r.Annotations.IsEmpty && !engine.ApiAtLeast(1, 43))
                problems.Add($"{at}: {Needs("'annotations'", "1.43", "24", engine)}");
            if (r.MacAddress is not null && !engine.ApiAtLeast(1, 44))
                problems.Add($"{at}: 'mac_address' is sent per network, which {Needs("", "1.44", "25", engine).TrimStart()}");
            // The engine takes them on Linux and applies nothing: said here rather than dropped.
            foreach (var (key, set) in new[] { ("cpu_count", r.CpuCount is not null), ("cpu_percent", r.CpuPercent is not null) })
                if (set && engine.Os != "windows")
                    problems.Add($"{at}: '{key}' is applied only by a Windows engine; this is {engine} on {engine.Os} (use 'cpus' or deploy.resources.limits.cpus)");
            foreach (var (network, attachment) in s.Networks)
            {
                var key = $"networks.{network}";
                if (attachment.GwPriority != 0 && !engine.ApiAtLeast(1, 48))
                    problems.Add($"{at}: {Needs($"'{key}.gw_priority'", "1.48", "28", engine)}");
                if (attachment.InterfaceName is not null && !engine.ApiAtLeast(1, 49))
                    problems.Add($"{at}: {Needs($"'{key}.interface_name'", "1.49", "28.1", engine)}");
                if (attachment.MacAddress is not null && !engine.ApiAtLeast(1, 44))
                    problems.Add($"{at}: {Needs($"'{key}.mac_address'", "1.44", "25", engine)}");
            }
            foreach (var m in s.Volumes)
            {
                var key = $"volumes (target {m.Target})";
                switch (m.Type)
                {
                    case MountType.Image when !engine.ApiAtLeast(1, 48):
                        problems.Add($"{at}: {Needs($"'{key}' of type image", "1.48", "28", engine)}");
                        break;
                    case MountType.Npipe when engine.Os != "windows":
                        problems.Add($"{at}: '{key}' of type npipe mounts a Windows named pipe; this is {engine} on {engine.Os}");
                        break;
                    case MountType.Cluster:
                        problems.Add($"{at}: '{key}' of type cluster mounts a Swarm cluster (CSI) volume, which only a Swarm service can use; " +
                                     $"{engine} cannot mount it into a container (use 'composer stack deploy')");
                        break;
                }
                if (m.Subpath is not null && m.Type == MountType.Volume && !engine.ApiAtLeast(1, 45))
                    problems.Add($"{at}: {Needs($"'{key}.volume.subpath'", "1.45", "26", engine)}");
                if (m.Recursive is "writable" or "readonly" && !engine.ApiAtLeast(1, 44))
                    problems.Add($"{at}: {Needs($"'{key}.bind.recursive: {m.Recursive}'", "1.44", "25", engine)}");
                if (m.Selinux is not null && !m.CreateHostPath)
                    problems.Add($"{at}: '{key}.bind.selinux' with 'create_host_path: false': the engine relabels only binds it may create " +
                                 $"(its Mount API has no SELinux option); drop one of the two");
            }
        }
        foreach (var network in project.Networks.Values.Where(n => !n.External && n.EnableIpv4 == false))
            if (!engine.ApiAtLeast(1, 47) && selected.Any(s => s.Networks.ContainsKey(network.Key)))
                problems.Add($"network \"{network.Key}\": {Needs("'enable_ipv4: false'", "1.47", "27", engine)}");
        return problems;
    }

    /// <summary>
    /// Build keys the engine's classic builder (the only one its API offers before BuildKit sessions) cannot honour.
    /// Empty when the build can go ahead.
    /// </summary>
    public static List<string> BuildProblems(string image, BuildSpec build, EngineInfo engine)
    {
        var problems = new List<string>();
        void BuildKitOnly(string key, bool set)
        {
            if (set) problems.Add($"build image {image}: 'build.{key}' needs BuildKit, which {engine}'s build API does not offer to Composer (it uses the classic builder)");
        }
        BuildKitOnly("ssh", !build.Ssh.IsEmpty);
        BuildKitOnly("secrets", !build.Secrets.IsEmpty);
        BuildKitOnly("cache_to", !build.CacheTo.IsEmpty);
        BuildKitOnly("additional_contexts", !build.AdditionalContexts.IsEmpty);
        BuildKitOnly("entitlements", !build.Entitlements.IsEmpty);
        BuildKitOnly("privileged", build.Privileged);
        BuildKitOnly("no_cache_filter", !build.NoCacheFilter.IsEmpty);
        BuildKitOnly("provenance", build.Provenance is not null && build.Provenance != "false");
        BuildKitOnly("sbom", build.Sbom is not null && build.Sbom != "false");
        BuildKitOnly("platforms (more than one)", build.Platforms.Length > 1);
        if (!build.Ulimits.IsEmpty)
            problems.Add($"build image {image}: 'build.ulimits' cannot be sent: the Engine API client Composer uses has no build ulimits field ({engine}); " +
                         "set the limits in the Dockerfile's RUN steps (ulimit) instead");
        if (build.Isolation is not null && build.Isolation != "default" && engine.Os != "windows")
            problems.Add($"build image {image}: 'build.isolation: {build.Isolation}' is a Windows isolation mode; this is {engine} on {engine.Os} (only 'default')");
        return problems;
    }
}
