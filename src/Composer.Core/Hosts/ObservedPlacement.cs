using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>
/// Where the engines say a multi-host project's services run, which wins over the file after <c>composer move</c>:
/// a service whose containers all carry another host's <see cref="HostLabels.Host"/> label stays there, so a later
/// <c>up</c>, <c>plan</c>, <c>ps</c> or <c>down</c> does not silently move it back (moving back is an explicit
/// <c>composer move</c>). Once its containers are gone (<c>down</c>), the file decides again.
/// </summary>
public static class ObservedPlacement
{
    /// <summary>
    /// The file's services that run on another host than their <c>x-composer.host</c>: service → host. Running
    /// containers decide; a service with none running goes by all its containers; containers on several hosts, or
    /// on a host the file does not define, leave the file's placement.
    /// </summary>
    public static ImmutableSortedDictionary<string, string> Moved(Project fileProject, IEnumerable<ObservedContainer> containers)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var group in containers.Where(c => !c.OneOff && !c.Labels.ContainsKey(HostLabels.Ambassador)).GroupBy(c => c.Service, StringComparer.Ordinal))
        {
            if (!fileProject.Services.TryGetValue(group.Key, out var service)) continue;
            var running = group.Where(c => c.IsRunning).ToList();
            var hosts = (running.Count > 0 ? running : [.. group]).Select(c => c.Labels.GetValueOrDefault(HostLabels.Host)).Distinct().ToList();
            if (hosts is [{ } host] && host != service.HostOf() && fileProject.Host(host) is not null) result[group.Key] = host;
        }
        return result.ToImmutable();
    }

    /// <summary>The file's project with these services placed on these hosts (before ambassadors are inserted).</summary>
    public static Project Apply(Project fileProject, IReadOnlyDictionary<string, string> hosts)
    {
        if (hosts.Count == 0) return fileProject;
        var services = fileProject.Services.ToBuilder();
        foreach (var (name, host) in hosts)
            if (services.TryGetValue(name, out var service)) services[name] = service.PlacedOn(host);
        return fileProject with { Services = services.ToImmutable() };
    }

    /// <summary>The service with its <c>x-composer.host</c> set to <paramref name="host"/>.</summary>
    public static Service PlacedOn(this Service service, string host) =>
        service with { Extensions = service.Extensions.SetItem(ServicePlacement.HostKey, host) };
}
