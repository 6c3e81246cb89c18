namespace Composer.Core.Model;

/// <summary>
/// One Docker engine of a multi-host project, from the top-level
/// <c>x-composer: { hosts: { NAME: { docker_host: "unix:///run/hostA/docker.sock", address: "10.99.1.11" } } }</c>.
/// A service runs on the host its <c>x-composer: { host: NAME }</c> names, otherwise on <see cref="Local"/>.
/// </summary>
public sealed record HostSpec
{
    /// <summary>The host every service without <c>x-composer.host</c> runs on: the engine composer connects to anyway
    /// (DOCKER_HOST, the docker context, the local socket) unless <c>x-composer.hosts</c> defines <c>local</c> itself.</summary>
    public const string Local = "local";

    /// <summary>The key under <c>x-composer.hosts</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The engine's endpoint (<c>unix://</c>, <c>tcp://</c>, <c>ssh://</c>), when <c>docker_host</c> has a scheme.</summary>
    public string? Endpoint { get; init; }
    /// <summary>A docker context's name, when <c>docker_host</c> has no scheme.</summary>
    public string? Context { get; init; }
    /// <summary>Where the other hosts reach this one: the address its cross-host ambassadors publish on.</summary>
    public string? Address { get; init; }

    /// <summary>Neither an endpoint nor a context: the engine composer connects to without hosts.</summary>
    public bool IsDefaultEngine => Endpoint is null && Context is null;

    public static HostSpec DefaultLocal => new() { Name = Local };
}
