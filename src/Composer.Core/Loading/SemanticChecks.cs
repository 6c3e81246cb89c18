using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>
/// Cross-references a schema cannot check, made as compose-go's consistency check on the services left enabled by
/// the profiles: every name a service uses must exist; container names are unique among the services the command
/// acts on (<paramref name="actedOn"/>, all when null: Compose runs each of two services sharing a name alone), and
/// only when <paramref name="checkContainerNames"/> (commands that create containers, and config). A host port
/// published twice is not checked here: Compose lets the engine refuse it at <c>up</c>.
/// </summary>
internal sealed class SemanticChecks(Project project, YMapping? serviceNodes, DiagnosticBag diagnostics, IReadOnlySet<string>? actedOn = null, bool checkContainerNames = true)
{
    private bool Known(string service) => project.Services.ContainsKey(service) || project.DisabledServices.ContainsKey(service);

    public void Run()
    {
        var containerNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in project.Services.Values)
        {
            var node = serviceNodes?[service.Name] as YMapping;
            SourcePosition? At(string key, string? item = null)
            {
                var value = node?[key];
                if (item is not null)
                {
                    var match = value switch
                    {
                        YSequence s => s.Items.FirstOrDefault(i => i is YScalar sc && (sc.Value == item || sc.Value.StartsWith(item + ":", StringComparison.Ordinal) || sc.Value.StartsWith(item + "=", StringComparison.Ordinal))
                            || i is YMapping im && im["source"] is YScalar src && src.Value == item),
                        YMapping m => m.Find(item)?.Key,
                        _ => null,
                    };
                    if (match is not null) return match.Start;
                }
                return value?.Start ?? node?.Start;
            }
            var prefix = $"service \"{service.Name}\"";

            // depends_on also holds the dependencies links, network_mode and volumes_from imply, reported below;
            // one on a service disabled by its profiles is reported by the profiles.
            var declared = node?["depends_on"] is { } dn ? YamlTransforms.AsKeyedMapping(dn, null, null)?.Entries.Select(e => e.Key.Value).ToHashSet() : null;
            foreach (var dep in service.DependsOn.Keys.Where(d => declared?.Contains(d) == true && !project.Services.ContainsKey(d) && !project.DisabledServices.ContainsKey(d)))
                diagnostics.Error("ref.depends_on", $"{prefix} depends on undefined service \"{dep}\"", At("depends_on", dep));
            foreach (var link in service.Links.Where(l => !Known(l.Service)))
                diagnostics.Error("ref.links", $"{prefix} links to undefined service \"{link.Service}\"", At("links", link.Service));
            foreach (var from in service.VolumesFrom)
            {
                var target = from.Split(':')[0];
                if (target.StartsWith("container:", StringComparison.Ordinal) || from.StartsWith("container:", StringComparison.Ordinal)) continue;
                if (!Known(target))
                    diagnostics.Error("ref.volumes_from", $"{prefix} uses volumes from undefined service \"{target}\"", At("volumes_from", target));
            }
            if (service.NetworkMode is { } mode && mode.StartsWith("service:", StringComparison.Ordinal) && !Known(mode[8..]))
                diagnostics.Error("ref.network_mode", $"{prefix} uses the network stack of undefined service \"{mode[8..]}\"", At("network_mode"));
            foreach (var net in service.Networks.Keys.Where(n => !project.Networks.ContainsKey(n)))
                diagnostics.Error("ref.networks", $"{prefix} refers to undefined network {net}", At("networks", net));
            foreach (var mount in service.Volumes.Where(m => m.Type == MountType.Volume && m.Source is not null && !project.Volumes.ContainsKey(m.Source)))
                diagnostics.Error("ref.volumes", $"{prefix} refers to undefined volume {mount.Source}", At("volumes", mount.Source));

            foreach (var (kind, refs, defined) in new[] { ("secret", service.Secrets, project.Secrets), ("config", service.Configs, project.Configs) })
                foreach (var r in refs)
                {
                    if (!defined.TryGetValue(r.Source, out var obj))
                        diagnostics.Error($"ref.{kind}s", $"{prefix} refers to undefined {kind} {r.Source}", At($"{kind}s", r.Source));
                    else if (obj.External)
                        diagnostics.Error($"ref.{kind}s", $"{prefix} uses external {kind} {r.Source}, which only Swarm can provide; use 'file' or 'environment'", At($"{kind}s", r.Source));
                }

            // compose-go refuses a platform the image is not built for when the build names its platforms.
            if (service.Runtime.Platform is { } platform && service.Build is { Platforms.IsEmpty: false } build && !build.Platforms.Contains(platform))
                diagnostics.Error("build.platforms", $"{prefix}: service.build.platforms MUST include service.platform \"{platform}\"", At("platform"));

            if (service.ContainerName is { } name)
            {
                var checkedHere = checkContainerNames && (actedOn is null || actedOn.Contains(service.Name));
                if (checkedHere && containerNames.TryGetValue(name, out var other))
                    diagnostics.Error("container_name.duplicate", $"{prefix}: container name \"{name}\" is already in use by service \"{other}\"", At("container_name"));
                else if (checkedHere) containerNames[name] = service.Name;
                if (service.Scale > 1)
                    diagnostics.Error("container_name.scale", $"{prefix}: container_name \"{name}\" cannot be used with more than one replica", At("container_name"));
            }
        }
    }
}
