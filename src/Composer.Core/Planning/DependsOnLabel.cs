using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>
/// Compose's <c>com.docker.compose.depends_on</c> label, <c>service:condition:restart</c> joined by commas: how
/// stop, start, restart and down order containers without a compose file.
/// </summary>
public static class DependsOnLabel
{
    public static string Format(Service service) =>
        string.Join(",", service.DependsOn.Select(kv => $"{kv.Key}:{kv.Value.Condition}:{(kv.Value.Restart ? "true" : "false")}"));

    public static IEnumerable<(string Service, string Condition)> Parse(ObservedContainer container) =>
        container.Labels.TryGetValue(ComposeLabels.DependsOn, out var label) && label.Length > 0
            ? label.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')).Select(p => (p[0], p.Length > 1 ? p[1] : DependencyCondition.Started))
            : [];
}
