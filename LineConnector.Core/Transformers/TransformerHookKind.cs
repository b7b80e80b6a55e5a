namespace LineConnector.Core.Transformers;

/// <summary>Where a transformer function runs.</summary>
public enum TransformerHookKind
{
    /// <summary><c>handleInput</c>: a LINE webhook event before it is routed.</summary>
    Input,

    /// <summary><c>handleOutput</c>: a destination's reply before it is checked and sent.</summary>
    Output,

    /// <summary><c>handleNotify</c>: a notify request before it is sent.</summary>
    Notify,

    /// <summary><c>handleInject</c>: an injected input before it is routed.</summary>
    Inject,
}

public static class TransformerHookTexts
{
    public static readonly EnumText<TransformerHookKind> Hook = new(
        (TransformerHookKind.Input, "input"), (TransformerHookKind.Output, "output"), (TransformerHookKind.Notify, "notify"), (TransformerHookKind.Inject, "inject"));
}
