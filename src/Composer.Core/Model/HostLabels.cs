namespace Composer.Core.Model;

/// <summary>Labels that say, on each engine, which host of the project owns a resource and what an ambassador carries.</summary>
public static class HostLabels
{
    /// <summary>On every container, network and volume of a multi-host project: the host (x-composer.hosts key) it belongs to.</summary>
    public const string Host = "io.composer.host";
    /// <summary>On an ambassador Composer inserted: <c>export</c> (beside the provider) or <c>import</c> (beside a consumer).</summary>
    public const string Ambassador = "io.composer.ambassador";
    /// <summary>On an ambassador Composer inserted: the provider service it carries.</summary>
    public const string AmbassadorFor = "io.composer.ambassador-for";
    /// <summary>On an ambassador Composer inserted: why (the consumers and how they name the provider).</summary>
    public const string AmbassadorWhy = "io.composer.ambassador-why";
}
