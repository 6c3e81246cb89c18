using System.Collections.Immutable;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Hosts;

/// <summary>
/// What <c>composer move SERVICE --to HOST</c> will do, decided before anything changes: the project as it runs now and
/// as it will run (both with their ambassadors inserted), the named volumes to carry, and every reason to refuse.
/// A move changes only the service, its export ambassador and where its importers' ambassadors point: anything else
/// that would have to be recreated (a consumer on the old host that used it directly, or one on the new host that
/// used it through an import) is a refusal, as are volumes that cannot be carried.
/// </summary>
public sealed record ServiceMove
{
    public required string Service { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    /// <summary>Before ambassadors are inserted: as the service runs now, and after the move.</summary>
    public required Project Current { get; init; }
    public required Project Next { get; init; }
    /// <summary>With ambassadors inserted.</summary>
    public required Project CurrentExpanded { get; init; }
    public required Project NextExpanded { get; init; }
    /// <summary>The project's named volumes the service mounts: created on <see cref="To"/> and filled from <see cref="From"/>.</summary>
    public ImmutableArray<Volume> Volumes { get; init; } = [];
    public ImmutableArray<string> Warnings { get; init; } = [];
    /// <summary>Why the move cannot be done; empty when it can.</summary>
    public ImmutableArray<string> Problems { get; init; } = [];

    public bool NothingToDo => From == To;
    public string Export => AmbassadorExpansion.ExportName(Service);
    /// <summary>The import ambassadors that carry the service to its consumers on other hosts (unchanged by the move but for their target).</summary>
    public ImmutableArray<Service> Imports => [.. CurrentExpanded.Services.Values.Where(s => IsImportOf(s, Service))];
    /// <summary>Where importers reach the service before and after the move (null without importers).</summary>
    public string? OldAddress => Imports.IsEmpty ? null : AmbassadorRoutes.ExportAddress(Current, Current.Services[Service], From);
    public string? NewAddress => Imports.IsEmpty ? null : AmbassadorRoutes.ExportAddress(Next, Next.Services[Service], To);

    private static bool IsImportOf(Service s, string provider) =>
        s.Labels.GetValueOrDefault(HostLabels.Ambassador) == "import" && AmbassadorExpansion.ProviderOf(s) == provider;

    /// <param name="current">The file's project (no ambassadors), placed where its services run now (<see cref="ObservedPlacement"/>).</param>
    public static ServiceMove Plan(Project current, string service, string to)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        ServiceMove Refused(string problem) => new()
        {
            Service = service, From = to, To = to, Current = current, Next = current, CurrentExpanded = current, NextExpanded = current, Problems = [problem],
        };
        if (!current.IsMultiHost()) return Refused("composer move needs hosts: the file defines no x-composer.hosts");
        if (!current.Services.TryGetValue(service, out var moving)) return Refused($"no such service: {service}");
        if (current.Host(to) is null)
            return Refused($"no host \"{to}\" in x-composer.hosts (hosts: {string.Join(", ", current.Hosts.Keys)})");
        var from = moving.HostOf();
        var next = current with { Services = current.Services.SetItem(service, moving.PlacedOn(to)) };
        if (from == to)
            return new ServiceMove { Service = service, From = from, To = to, Current = current, Next = next, CurrentExpanded = current, NextExpanded = next };

        // Services that share a namespace or volumes run on one engine.
        foreach (var other in current.Services.Values.Where(s => s.Name != service))
        {
            if (other.NetworkMode == $"service:{service}" || moving.NetworkMode == $"service:{other.Name}")
                problems.Add($"{service} and {other.Name} share a network namespace (network_mode: service:…): they cannot run on different hosts");
            if (other.VolumesFrom.Any(v => v.Split(':')[0] == service) || moving.VolumesFrom.Any(v => v.Split(':')[0] == other.Name))
                problems.Add($"{service} and {other.Name} share volumes (volumes_from): they cannot run on different hosts");
        }

        var volumes = ImmutableArray.CreateBuilder<Volume>();
        foreach (var mount in moving.Volumes)
        {
            if (mount.Type == MountType.Bind)
                warnings.Add($"{service}: the bind mount {mount.Source} is read from {to}'s filesystem after the move; its content is not copied");
            if (mount.Type != MountType.Volume) continue;
            if (mount.Source is null)
            {
                problems.Add($"{service} has an anonymous volume at {mount.Target}: its data cannot be moved; name it (volumes: [NAME:{mount.Target}]) to have it copied");
                continue;
            }
            if (!current.Volumes.TryGetValue(mount.Source, out var volume)) continue;
            if (volume.External)
                problems.Add($"volume {volume.Key} is external (not created by Composer): it is not Composer's to copy to {to}");
            else if (!volume.Movable)
                problems.Add($"volume {volume.Key} is not movable (x-composer: {{ movable: false }}): {service} stays on {from}");
            else if (current.Services.Values.FirstOrDefault(s => s.Name != service && s.Volumes.Any(m => m.Type == MountType.Volume && m.Source == mount.Source)) is { } sharer)
                problems.Add($"volume {volume.Key} is also mounted by {sharer.Name} on {sharer.HostOf()}: one volume cannot be on two hosts");
            else if (!volumes.Any(v => v.Key == volume.Key)) volumes.Add(volume);
        }

        var exported = CrossHostReferences.Find(next).Any(r => r.Provider == service) || CrossHostReferences.Find(current).Any(r => r.Provider == service);
        if (exported && current.Host(to)?.Address is null)
            problems.Add($"host \"{to}\" has no address (x-composer.hosts.{to}.address): {service}'s consumers on other hosts could not reach it there");
        if (exported && CrossHostReferences.PortsOf(moving).IsEmpty) problems.Add($"{service} declares no TCP port (expose) for its ambassadors to carry");
        if (problems.Count > 0) return Refused(problems[0]) with { Problems = [.. problems], From = from };

        var currentExpanded = AmbassadorExpansion.Expand(current);
        var nextExpanded = AmbassadorExpansion.Expand(next);
        // Everything but the service and its export must stay as it is (an import's route is not in its config hash).
        var changed = new List<string>();
        foreach (var name in currentExpanded.Services.Keys.Union(nextExpanded.Services.Keys).Where(n => n != service && n != AmbassadorExpansion.ExportName(service)).Order(StringComparer.Ordinal))
        {
            if (!currentExpanded.Services.TryGetValue(name, out var before) || !nextExpanded.Services.TryGetValue(name, out var after))
                changed.Add(name);
            else if (ConfigHash.Compute(before) != ConfigHash.Compute(after)) changed.Add(name);
        }
        if (changed.Count > 0)
            problems.Add($"moving {service} to {to} would also change {string.Join(", ", changed)}, which a move does not recreate " +
                $"(a consumer of {service} on {from} or {to}, or ambassadors {service} itself uses): set x-composer.host in the file and run composer up instead");
        return new ServiceMove
        {
            Service = service, From = from, To = to, Current = current, Next = next, CurrentExpanded = currentExpanded, NextExpanded = nextExpanded,
            Volumes = volumes.ToImmutable(), Warnings = [.. warnings], Problems = [.. problems],
        };
    }
}
