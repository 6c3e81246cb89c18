using System.Collections.Immutable;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// A service's <c>x-composer</c> block, kept flat: a nested block names its keys with the block's prefix, so
/// <c>restart_backoff: { initial: 50ms }</c> and <c>restart_backoff_initial: 50ms</c> are the same setting.
/// </summary>
internal static class ComposerExtensions
{
    public static void Add(ImmutableSortedDictionary<string, string>.Builder result, string key, YNode? value)
    {
        if (value is YMapping nested)
            foreach (var (k, v) in nested.Entries) Add(result, $"{key}_{k.Value}", v);
        // A list (failover: [b, c]) is kept comma-separated: its items are names, which have no comma.
        else if (value is YSequence list) result[key] = string.Join(",", list.Items.OfType<YScalar>().Select(i => i.Value));
        else result[key] = value is YScalar s ? s.Value : "";
    }
}
