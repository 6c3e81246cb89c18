using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>
/// Inserts the cross-host chain for every provider used from another host (<see cref="CrossHostReferences"/>):
/// provider ← <c>PROVIDER-export</c> on the provider's host, published on that host's address and the provider's
/// port ← network → <c>PROVIDER-import-HOST</c> on each consumer's host, carrying the provider's name and aliases on
/// that host's project networks ← consumers. Consumers' <c>links</c> and <c>depends_on</c> are pointed at their
/// host's import (a link keeps its alias, so the link variables keep their names), so they see the same DNS name and
/// variables as if the provider were local, and start after the whole chain. The result is an ordinary project: the
/// planner, the executor and the host-routing engine need no special case.
/// </summary>
public static class AmbassadorExpansion
{
    /// <summary>Composer's ambassador (src/Composer.Ambassador), copied to every engine that runs one.</summary>
    public const string Image = "composer-ambassador:1";

    public static string ExportName(string provider) => $"{provider}-export";
    public static string ImportName(string provider, string consumerHost) => $"{provider}-import-{consumerHost}";

    /// <summary>The service names the expansion adds, to refuse a file that already uses one.</summary>
    public static IEnumerable<string> AddedNames(Project project) =>
        CrossHostReferences.Find(project).GroupBy(r => r.Provider)
            .SelectMany(g => g.Select(r => ImportName(r.Provider, r.ConsumerHost)).Distinct().Prepend(ExportName(g.Key)));

    public static Project Expand(Project project)
    {
        var references = CrossHostReferences.Find(project);
        if (references.IsEmpty) return project;
        var services = project.Services.ToBuilder();
        foreach (var group in references.GroupBy(r => r.Provider))
        {
            var provider = project.Services[group.Key];
            var port = CrossHostReferences.PortsOf(provider).First();
            var address = project.Host(provider.HostOf())!.Address!;
            var export = ExportName(provider.Name);
            var portText = port.ToString(CultureInfo.InvariantCulture);
            // The strongest condition any consumer waits for is waited for once, beside the provider.
            var condition = group.Select(r => project.Services[r.Consumer].DependsOn.GetValueOrDefault(provider.Name)?.Condition)
                .OfType<string>().OrderBy(c => c == DependencyCondition.Started ? 1 : 0).FirstOrDefault() ?? DependencyCondition.Started;
            services[export] = Ambassador(provider, export, provider.HostOf(), "export", string.Join("; ", group.Select(r => r.Why)),
                    $"{provider.Name}:{portText}", portText) with
            {
                Ports = [new PortBinding(port, portText, address)],
                DependsOn = ImmutableSortedDictionary<string, Dependency>.Empty.Add(provider.Name, new Dependency(condition)),
                Networks = provider.Networks.ToImmutableSortedDictionary(n => n.Key, _ => new ServiceNetwork(), StringComparer.Ordinal),
            };
            foreach (var byHost in group.GroupBy(r => r.ConsumerHost))
            {
                var import = ImportName(provider.Name, byHost.Key);
                services[import] = Ambassador(provider, import, byHost.Key, "import", string.Join("; ", byHost.Select(r => r.Why)),
                        $"{address}:{portText}", portText) with
                {
                    Expose = [portText],
                    DependsOn = ImmutableSortedDictionary<string, Dependency>.Empty.Add(export, new Dependency()),
                    // The provider's name and aliases, on the networks it has, now on this host's copies of them.
                    Networks = provider.Networks.ToImmutableSortedDictionary(n => n.Key,
                        n => new ServiceNetwork { Aliases = [provider.Name, .. n.Value.Aliases.Where(a => a != provider.Name)] }, StringComparer.Ordinal),
                };
                foreach (var reference in byHost)
                    services[reference.Consumer] = Repoint(services[reference.Consumer], provider.Name, import);
            }
        }
        return project with { Services = services.ToImmutable() };
    }

    private static Service Ambassador(Service provider, string name, string host, string role, string why, string target, string port) => new()
    {
        Name = name,
        Image = Image,
        Environment = ImmutableSortedDictionary<string, string?>.Empty
            .Add("AMBASSADOR_TARGET", target)
            .Add("AMBASSADOR_LISTEN", ":" + port),
        Labels = ImmutableSortedDictionary<string, string>.Empty
            .Add(HostLabels.Ambassador, role)
            .Add(HostLabels.AmbassadorFor, provider.Name)
            .Add(HostLabels.AmbassadorWhy, why),
        StopGracePeriod = TimeSpan.FromSeconds(2),
        Extensions = provider.FailoverOf() is { IsEmpty: false } failover && role == "export"
            ? ImmutableSortedDictionary<string, string>.Empty.Add(ServicePlacement.HostKey, host).Add(ServicePlacement.FailoverKey, string.Join(",", failover))
            : ImmutableSortedDictionary<string, string>.Empty.Add(ServicePlacement.HostKey, host),
    };

    /// <summary>The consumer's links and depends_on now name its host's import; one that names the provider only by DNS waits for it too.</summary>
    private static Service Repoint(Service consumer, string provider, string import)
    {
        var dependsOn = consumer.DependsOn;
        if (dependsOn.TryGetValue(provider, out var dependency))
            dependsOn = dependsOn.Remove(provider).Add(import, dependency with { Condition = DependencyCondition.Started });
        else dependsOn = dependsOn.SetItem(import, new Dependency());
        return consumer with
        {
            Links = [.. consumer.Links.Select(l => l.Service == provider ? new Link(import, l.Alias) : l)],
            DependsOn = dependsOn,
        };
    }

    /// <summary>The provider an inserted ambassador carries; null for the file's own services.</summary>
    public static string? ProviderOf(Service service) => service.Labels.GetValueOrDefault(HostLabels.AmbassadorFor);
}
