namespace Composer.Testing;

/// <summary>Options of <see cref="ComposeProject.UpAsync(string, ComposeProjectOptions?, CancellationToken)"/>.</summary>
public sealed record ComposeProjectOptions
{
    /// <summary>The project name (<c>-p</c>); null: <c>test-</c> and a random suffix, so parallel tests never share a project.</summary>
    public string? ProjectName { get; init; }

    /// <summary>More compose files merged over the first, in order (<c>-f compose.yaml -f override.yaml</c>).</summary>
    public IReadOnlyList<string> OverrideFiles { get; init; } = [];

    /// <summary>Profiles to enable (<c>--profile</c>).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Variables for interpolating the compose file; they win over the process environment and <c>.env</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for every service to be running or healthy (<c>--wait-timeout</c>); 2 minutes by default.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>A host and port the test process connects to.</summary>
/// <param name="Host">An IP address, e.g. <c>127.0.0.1</c>.</param>
/// <param name="Port">The port.</param>
public sealed record ServiceEndpoint(string Host, int Port)
{
    /// <summary><c>host:port</c>.</summary>
    /// <returns>The endpoint as <c>host:port</c>.</returns>
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>An address with a scheme, e.g. <c>http://127.0.0.1:49153/</c>.</summary>
    /// <param name="scheme">The scheme, e.g. <c>http</c>.</param>
    /// <returns>The URI of the endpoint's root.</returns>
    public Uri ToUri(string scheme = "http") => new($"{scheme}://{this}/");
}

/// <summary>What a command run by <see cref="ComposeProject.ExecAsync(string, string[])"/> left.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
public sealed record ExecResult(long ExitCode, string Stdout, string Stderr);

/// <summary>A project that could not be loaded, started, reached or removed; <see cref="Errors"/> are Composer's messages.</summary>
public sealed class ComposeProjectException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="errors">Composer's error messages, one per line of the full message.</param>
    /// <param name="inner">The cause, if any.</param>
    public ComposeProjectException(string message, IReadOnlyList<string> errors, Exception? inner = null)
        : base(errors.Count == 0 ? message : message + ":" + System.Environment.NewLine + string.Join(System.Environment.NewLine, errors), inner)
    {
        Errors = errors;
    }

    /// <summary>Composer's error messages (e.g. a service's failure, a health check's timeout).</summary>
    public IReadOnlyList<string> Errors { get; }
}
