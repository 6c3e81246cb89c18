using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// The last step of the <c>!reset</c>/<c>!override</c> tags, after every file, include and extends has been merged
/// (<see cref="YamlTransforms.Merge"/> gives them their meaning against what came before). What is still tagged had
/// nothing earlier to act on, and then means what compose-go's reset processor makes of it within one file: a
/// <c>!reset</c> value (of a key or of a list item) is dropped, an <c>!override</c> value is kept as written.
/// </summary>
public static class MergeTags
{
    public const string Reset = "!reset";
    public const string Override = "!override";

    /// <summary>The tree without <c>!reset</c> values and without these tags; the same instance when none is there.</summary>
    public static YNode Resolve(YNode node)
    {
        switch (node)
        {
            case YMapping m:
            {
                List<YEntry>? changed = null;
                for (var i = 0; i < m.Entries.Count; i++)
                {
                    var e = m.Entries[i];
                    var value = e.Value.Tag == Reset ? null : Resolve(e.Value);
                    if (changed is null && ReferenceEquals(value, e.Value)) continue;
                    changed ??= [.. m.Entries.Take(i)];
                    if (value is not null) changed.Add(ReferenceEquals(value, e.Value) ? e : new YEntry(e.Key, value));
                }
                var tag = m.Tag == Override ? null : m.Tag;
                return changed is null && tag == m.Tag ? m : new YMapping(m.Start, changed ?? m.Entries, tag);
            }
            case YSequence q:
            {
                List<YNode>? changed = null;
                for (var i = 0; i < q.Items.Count; i++)
                {
                    var item = q.Items[i];
                    var value = item.Tag == Reset ? null : Resolve(item);
                    if (changed is null && ReferenceEquals(value, item)) continue;
                    changed ??= [.. q.Items.Take(i)];
                    if (value is not null) changed.Add(value);
                }
                var tag = q.Tag == Override ? null : q.Tag;
                return changed is null && tag == q.Tag ? q : new YSequence(q.Start, changed ?? q.Items, tag);
            }
            default:
                return node.Tag == Override ? node.WithTag(null) : node;
        }
    }
}
