using System.Diagnostics;

namespace Composer.IntegrationTests.Support;

/// <summary>
/// The composer command the tests run: the published binary named by <c>COMPOSER_BINARY</c> (scripts/test.sh
/// publishes it NativeAOT, as users get it), else the dll built beside the tests.
/// </summary>
public static class ComposerBinary
{
    private static readonly string? Published = Environment.GetEnvironmentVariable("COMPOSER_BINARY") is { Length: > 0 } path
        ? (File.Exists(path) ? path : throw new FileNotFoundException($"COMPOSER_BINARY names {path}, which does not exist"))
        : null;
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "composer.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Published ?? "dotnet")
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Published is null) psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>The command's words, for running it under another program (e.g. <c>script</c>).</summary>
    public static IReadOnlyList<string> Command => Published is null ? ["dotnet", Dll] : [Published];

    /// <summary><see cref="Command"/> for a shell (the paths hold no spaces).</summary>
    public static string ShellCommand => string.Join(' ', Command);
}
