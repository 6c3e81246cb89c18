using System.Globalization;
using System.Text.RegularExpressions;
using Composer.Core.Model;

namespace Composer.Core.UseCases;

/// <summary>
/// A host port two services publish is no load error: as with Compose, the engine refuses the second container at
/// <c>up</c> ("port is already allocated"). Composer's message then also names the services that publish the port.
/// </summary>
public static partial class PortConflicts
{
    [GeneratedRegex(@"Bind for (?<address>\S*?):(?<port>\d+) failed: port is already allocated")]
    private static partial Regex Bind();

    /// <summary>The engine's message, prefixed with who else publishes the port when it is one of the project's.</summary>
    public static string Explain(Project project, string? service, string message)
    {
        if (service is null || Bind().Match(message) is not { Success: true } m ||
            !int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return message;
        var others = project.Services.Values
            .Where(s => s.Name != service && s.Ports.Any(p => Publishes(p, port)))
            .Select(s => $"\"{s.Name}\"").Order(StringComparer.Ordinal).ToList();
        if (others.Count > 0) return $"host port {port} is also published by service {string.Join(", ", others)}: {message}";
        if (project.Services.TryGetValue(service, out var self) && self.Scale > 1 && self.Ports.Any(p => Publishes(p, port)))
            return $"host port {port} is published by each of the {self.Scale} replicas of service \"{service}\": {message}";
        return message;
    }

    private static bool Publishes(PortBinding p, int port)
    {
        if (p.Published is not { Length: > 0 } published) return false;
        var dash = published.IndexOf('-');
        return dash < 0
            ? int.TryParse(published, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && single == port
            : int.TryParse(published[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var low) &&
              int.TryParse(published[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var high) && port >= low && port <= high;
    }
}
