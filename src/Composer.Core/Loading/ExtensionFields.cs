using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>
/// Keeps the <c>x-*</c> fields of the file (top level and per service) in the model, as plain values, so
/// <c>composer config</c> prints them as <c>docker compose config</c> does. <c>x-composer</c> is Composer's own and is
/// read by the normalizer instead.
/// </summary>
internal static class ExtensionFields
{
    public static Project Attach(Project project, YMapping root)
    {
        var top = Of(root);
        // Only the services that have fields are rebuilt: most have none.
        var withFields = new List<KeyValuePair<string, Service>>();
        foreach (var entry in (root["services"] as YMapping)?.Entries ?? [])
            if (entry.Value is YMapping m && m.Entries.Any(IsExtension) && project.Services.TryGetValue(entry.Key.Value, out var service))
                withFields.Add(KeyValuePair.Create(entry.Key.Value, service with { ExtensionFields = Of(m) }));
        if (top.IsEmpty && withFields.Count == 0) return project;
        return project with { Extensions = top, Services = project.Services.SetItems(withFields) };
    }

    private static bool IsExtension(YEntry e) => e.Key.Value.StartsWith("x-", StringComparison.Ordinal) && e.Key.Value != "x-composer";

    private static ImmutableSortedDictionary<string, object?> Of(YMapping m) =>
        m.Entries.Where(IsExtension).ToImmutableSortedDictionary(e => e.Key.Value, e => Value(e.Value), StringComparer.Ordinal);

    /// <summary>A node as the dictionaries, lists and typed scalars the config writer prints.</summary>
    public static object? Value(YNode node) => node switch
    {
        YMapping m => m.Entries.ToDictionary(e => e.Key.Value, e => Value(e.Value)),
        YSequence q => q.Items.Select(Value).ToList(),
        YScalar s => s.Kind switch
        {
            ScalarKind.Null => null,
            ScalarKind.Bool => s.AsBool(),
            ScalarKind.Int when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            ScalarKind.Float when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => s.Value,
        },
        _ => null,
    };
}
