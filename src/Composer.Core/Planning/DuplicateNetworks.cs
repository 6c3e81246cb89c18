using Composer.Core.Engine;

namespace Composer.Core.Planning;

/// <summary>
/// A project network the engine holds more than once (made by an older composer or by two at once): every use of
/// the name is then ambiguous. <c>down</c> removes each by id; <c>up</c> keeps the one most containers use and
/// removes the others, after recreating the containers attached to them.
/// </summary>
public static class DuplicateNetworks
{
    public static ObservedNetwork Keep(IReadOnlyCollection<ObservedNetwork> same, IEnumerable<ObservedContainer> containers)
    {
        var users = containers.SelectMany(c => c.NetworkIds).GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return same.OrderByDescending(n => users.GetValueOrDefault(n.Id)).ThenBy(n => n.Id, StringComparer.Ordinal).First();
    }

    public static string Warning(string name, IEnumerable<ObservedNetwork> same) =>
        $"network {name} exists {same.Count()} times (ids {string.Join(", ", same.Select(n => n.Id[..Math.Min(12, n.Id.Length)]).Order(StringComparer.Ordinal))}): repairing";
}
