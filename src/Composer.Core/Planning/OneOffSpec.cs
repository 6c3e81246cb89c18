using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>What <c>run</c> asks of a one-off container beyond the service's own definition (Compose's run flags).</summary>
public sealed record OneOffOptions
{
    /// <summary>The container name; null: <c>&lt;project&gt;-&lt;service&gt;-run-&lt;suffix&gt;</c>.</summary>
    public string? Name { get; init; }
    /// <summary>Replaces the service's command when not empty.</summary>
    public ImmutableArray<string> Command { get; init; } = [];
    public ImmutableArray<string>? Entrypoint { get; init; }
    /// <summary><c>KEY=VALUE</c>; replaces the service's variable of the same name.</summary>
    public ImmutableArray<string> Environment { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    /// <summary><c>--service-ports</c>: publish the service's ports, which a one-off otherwise does not.</summary>
    public bool ServicePorts { get; init; }
    /// <summary><c>-p</c>: ports to publish instead (Compose refuses them together with <see cref="ServicePorts"/>).</summary>
    public ImmutableArray<PortBinding> Publish { get; init; } = [];
    /// <summary><c>--use-aliases</c>: answer to the service's name and network aliases, as its replicas do.</summary>
    public bool UseAliases { get; init; }
    /// <summary><c>-l</c>: added to, or replacing, the service's labels.</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary><c>-v</c>: mounts added to the service's, replacing one at the same target (a bind by its absolute host path, a volume by its key or engine name).</summary>
    public ImmutableArray<Mount> Volumes { get; init; } = [];
    public bool Tty { get; init; }
    /// <summary>Keep stdin open (<c>-i</c>, Compose's default).</summary>
    public bool Interactive { get; init; }
    public bool Detach { get; init; }
}

/// <summary>The container <c>run</c> creates for a service: the service's spec, made one-off. Pure.</summary>
public static class OneOffSpec
{
    public static ContainerSpec Build(Project project, Service service, string? imageId, OneOffOptions options, string suffix)
    {
        var spec = ContainerSpecBuilder.Build(project, service, 1, ConfigHash.Compute(service), imageId);
        var overridden = options.Environment.Select(Key).ToHashSet(StringComparer.Ordinal);
        var labels = spec.Labels.SetItems(options.Labels).SetItem(ComposeLabels.OneOff, "True").Remove(ConfigDiff.Label);
        var ports = !options.Publish.IsEmpty ? options.Publish : options.ServicePorts ? spec.Ports : [];
        var extraMounts = options.Volumes.Select(m => Resolve(project, m)).ToList();
        return spec with
        {
            Name = options.Name ?? $"{project.Name}-{service.Name}-run-{suffix}",
            Labels = labels,
            Command = options.Command.IsEmpty ? spec.Command : options.Command,
            Entrypoint = options.Entrypoint ?? spec.Entrypoint,
            Environment = [.. spec.Environment.Where(e => !overridden.Contains(Key(e))).Concat(options.Environment).OrderBy(Key, StringComparer.Ordinal)],
            WorkingDir = options.WorkingDir ?? spec.WorkingDir,
            User = options.User ?? spec.User,
            // A one-off publishes no ports and answers to no service alias unless asked, as in Compose: it would
            // collide with the service's own replicas.
            Ports = ports,
            ExposedPorts = [.. spec.ExposedPorts.Concat(ports.Select(p => $"{p.Target}/{p.Protocol}")).Distinct().Order(StringComparer.Ordinal)],
            PrimaryNetwork = options.UseAliases || spec.PrimaryNetwork is not { } p ? spec.PrimaryNetwork : p with { Aliases = [] },
            ExtraNetworks = options.UseAliases ? spec.ExtraNetworks : [.. spec.ExtraNetworks.Select(n => n with { Aliases = [] })],
            Mounts = [.. spec.Mounts.Where(m => extraMounts.All(x => x.Target != m.Target)), .. extraMounts],
            Tty = options.Tty,
            StdinOpen = options.Interactive,
            // Closes the process's stdin when composer's input ends, so `echo hi | composer run -T svc cat` finishes.
            StdinOnce = options.Interactive && !options.Detach,
            RestartPolicy = null,
        };
    }

    private static string Key(string variable) => variable.Split('=', 2)[0];

    /// <summary>A volume the file declares goes by its engine name; any other name is the engine's own, as with docker run.</summary>
    private static Mount Resolve(Project project, Mount m) =>
        m.Type == MountType.Volume && m.Source is { } key && project.Volumes.TryGetValue(key, out var declared) ? m with { Source = declared.Name } : m;
}
