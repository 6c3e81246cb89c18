using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// Checks compose-go makes on the merged document that the schema cannot: an external volume declares nothing but
/// its name; <c>name</c> and the deprecated <c>external.name</c> agree; an environment list item has no blank before
/// its <c>=</c> (<c>- DEBUG = true</c> would define a variable named "DEBUG ").
/// </summary>
internal static class CanonicalChecks
{
    public static void Run(YMapping root, DiagnosticBag diagnostics)
    {
        foreach (var section in (string[])["networks", "volumes", "secrets", "configs"])
        {
            if (root[section] is not YMapping objects) continue;
            foreach (var entry in objects.Entries)
            {
                if (entry.Value is not YMapping m) continue;
                var path = $"{section}.{entry.Key.Value}";
                var external = m.Find("external");
                if (external?.Value is YMapping ext && ext["name"] is YScalar { IsNull: false } externalName)
                {
                    if (m["name"] is YScalar { IsNull: false } name && name.Value != externalName.Value)
                        diagnostics.Error("external.name-conflict", $"{path}: name and external.name conflict; only use name", externalName.Start);
                    else
                        diagnostics.Warning("external.name-deprecated", $"{path}: external.name is deprecated. Please set name and external: true", externalName.Start);
                }
                if (section != "volumes" || external?.Value is not YScalar { Kind: ScalarKind.Bool } flag || flag.AsBool() != true) continue;
                // 'driver' with external is reported where volumes are read; the other keys here.
                foreach (var e in m.Entries.Where(e => e.Key.Value is not ("name" or "external" or "driver") && !e.Key.Value.StartsWith("x-", StringComparison.Ordinal)))
                    diagnostics.Error("volume.external-conflict", $"{path}: conflicting parameters \"external\" and \"{e.Key.Value}\" specified", e.Key.Start);
            }
        }
        if (root["services"] is not YMapping services) return;
        foreach (var service in services.Entries)
        {
            if (service.Value is not YMapping s) continue;
            CheckKeyedList(s["environment"], $"services.{service.Key.Value}.environment", diagnostics);
            if (s["build"] is YMapping build) CheckKeyedList(build["args"], $"services.{service.Key.Value}.build.args", diagnostics);
        }
    }

    private static void CheckKeyedList(YNode? node, string path, DiagnosticBag diagnostics)
    {
        if (node is not YSequence list) return;
        foreach (var item in list.Items.OfType<YScalar>())
        {
            var eq = item.Value.IndexOf('=');
            var key = eq < 0 ? item.Value : item.Value[..eq];
            if (key.Length > 0 && char.IsWhiteSpace(key[^1]))
                diagnostics.Error("environment.trailing-space", $"{path}: environment variable \"{key}\" is declared with a trailing space", item.Start);
        }
    }
}
