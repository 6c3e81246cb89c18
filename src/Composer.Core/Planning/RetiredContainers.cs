using Composer.Core.Engine;

namespace Composer.Core.Planning;

/// <summary>
/// A container renamed out of its replacement's way (<c>&lt;id12&gt;_&lt;name&gt;</c>, Compose's temporary name on
/// recreate) while it gets its grace period: it is not the replica any more, so plans never pick it as one.
/// </summary>
public static class RetiredContainers
{
    public static string NameFor(ObservedContainer container) => $"{container.Id[..Math.Min(12, container.Id.Length)]}_{container.Name}";

    public static bool IsRetired(string name) =>
        name.Length > 13 && name[12] == '_' && name.AsSpan(0, 12).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>Host ports the running container publishes that its replacement publishes too: they cannot run side by side.</summary>
    public static IReadOnlyList<string> SharedHostPorts(ObservedContainer container, ContainerSpec replacement)
    {
        var published = container.Ports.Where(p => p.PublicPort is not null).Select(p => $"{p.PublicPort}/{p.Type}").ToHashSet(StringComparer.Ordinal);
        return [.. replacement.Ports
            .Where(p => p.Published is { Length: > 0 } && !p.Published.Contains('-') && published.Contains($"{p.Published}/{p.Protocol}"))
            .Select(p => $"{p.Published}/{p.Protocol}").Distinct().Order(StringComparer.Ordinal)];
    }
}
