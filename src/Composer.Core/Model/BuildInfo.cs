using System.Reflection;

namespace Composer.Core.Model;

/// <summary>
/// Composer's version and commit, as the build stamped them (VersionPrefix in Directory.Build.props; the SDK appends
/// <c>+commit</c> to the informational version when it builds from a git checkout).
/// </summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version without build metadata, e.g. <c>0.1.0</c>.</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The commit the binary was built from, or null when the build did not know it.</summary>
    public static string? Commit { get; } = Informational.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : null;
}
