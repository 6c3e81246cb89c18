using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>How a consumer names a provider that runs on another host.</summary>
public enum ReferenceKind { Link, DependsOn, DnsName }

/// <summary>A consumer on one host that names a provider on another: Composer puts ambassadors between them.</summary>
public sealed record CrossHostReference(string Consumer, string ConsumerHost, string Provider, string ProviderHost, ReferenceKind Kind)
{
    /// <summary>Why the ambassadors exist, as <c>composer plan</c> prints it.</summary>
    public string Why => Kind switch
    {
        ReferenceKind.Link => $"{Consumer} on {ConsumerHost} links {Provider} on {ProviderHost}",
        ReferenceKind.DependsOn => $"{Consumer} on {ConsumerHost} depends on {Provider} on {ProviderHost}",
        _ => $"{Consumer} on {ConsumerHost} names {Provider} on {ProviderHost}",
    };
}

/// <summary>
/// Finds every consumer → provider pair across hosts. A consumer names a provider by <c>links</c>, by
/// <c>depends_on</c>, or by its DNS name (the service name or one of its network aliases) written as a host in its
/// environment values, command or entrypoint (<c>http://api:8080/</c>, <c>DB_HOST=db</c>), on a network both join.
/// </summary>
public static partial class CrossHostReferences
{
    public static ImmutableArray<CrossHostReference> Find(Project project)
    {
        if (!project.IsMultiHost()) return [];
        var result = ImmutableArray.CreateBuilder<CrossHostReference>();
        foreach (var consumer in project.Services.Values)
        {
            var consumerHost = consumer.HostOf();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Add(string provider, ReferenceKind kind)
            {
                if (!project.Services.TryGetValue(provider, out var p) || p.HostOf() == consumerHost || !seen.Add(provider)) return;
                result.Add(new CrossHostReference(consumer.Name, consumerHost, provider, p.HostOf(), kind));
            }
            foreach (var link in consumer.Links) Add(link.Service, ReferenceKind.Link);
            foreach (var dependency in consumer.DependsOn.Keys) Add(dependency, ReferenceKind.DependsOn);
            var words = HostWords(consumer);
            foreach (var provider in project.Services.Values)
                if (provider.Name != consumer.Name && SharesNetwork(consumer, provider) && NamesOf(provider).Any(words.Contains))
                    Add(provider.Name, ReferenceKind.DnsName);
        }
        return result.ToImmutable();
    }

    /// <summary>The DNS names a provider answers to on its project networks: its service name and aliases.</summary>
    public static IEnumerable<string> NamesOf(Service provider) =>
        provider.Networks.Values.SelectMany(n => n.Aliases).Prepend(provider.Name).Distinct(StringComparer.Ordinal);

    /// <summary>The TCP ports a provider serves, as its file declares them (<c>expose</c> and the targets of <c>ports</c>).</summary>
    public static ImmutableArray<int> PortsOf(Service provider) =>
        [.. provider.Expose.Select(e => e.Split('/')[0]).Where(e => !e.Contains('-')).Select(e => int.TryParse(e, out var p) ? p : 0).Where(p => p > 0)
            .Concat(provider.Ports.Where(p => p.Protocol == "tcp").Select(p => p.Target)).Distinct().Order()];

    private static bool SharesNetwork(Service a, Service b) =>
        a.NetworkMode is null && b.NetworkMode is null && a.Networks.Keys.Intersect(b.Networks.Keys).Any();

    [GeneratedRegex("[A-Za-z0-9][A-Za-z0-9_.-]*")]
    private static partial Regex Word();

    /// <summary>Every host-like word in what the consumer runs with: environment values, command, entrypoint.</summary>
    private static HashSet<string> HostWords(Service consumer)
    {
        var texts = consumer.Environment.Values.OfType<string>()
            .Concat(consumer.Command ?? []).Concat(consumer.Entrypoint ?? []);
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (Match m in Word().Matches(text))
            {
                // "db.example" is not "db", but "db." at a sentence's end is.
                words.Add(m.Value.TrimEnd('.'));
            }
        return words;
    }
}
