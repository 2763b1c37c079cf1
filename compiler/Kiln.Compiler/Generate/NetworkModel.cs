using System.Collections.Generic;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Operators;
using Kiln.Compiler.Plan;

namespace Kiln.Compiler.Generate;

/// <summary>Everything the emitter needs about one network once shapes, steps and memory are settled.</summary>
internal sealed class NetworkModel
{
    public NetworkModel(NetworkRequest request, OnnxGraph graph, ShapeContext shapes, List<GraphInput> inputs, List<Step> steps, List<LayerModel> layers, MemoryPlan plan, List<WeightModel> weights)
    {
        Request = request;
        Graph = graph;
        Shapes = shapes;
        Inputs = inputs;
        Steps = steps;
        Layers = layers;
        Plan = plan;
        Weights = weights;
    }

    public NetworkRequest Request { get; }

    public OnnxGraph Graph { get; }

    public ShapeContext Shapes { get; }

    /// <summary>The graph inputs the target depends on, in declared order, with their place in one observation's packed inputs.</summary>
    public List<GraphInput> Inputs { get; }

    public List<Step> Steps { get; }

    public List<LayerModel> Layers { get; }

    public MemoryPlan Plan { get; }

    public List<WeightModel> Weights { get; }
}

/// <summary>One row of the layer table, with the C# name of its constant.</summary>
internal sealed record LayerModel(string Name, string OutputName, string Operator, int[] Shape, long ParameterCount, int Step, int ArenaOffset, string Identifier, ElementType Type);

/// <summary>One float initializer that the generated code reads, and the C# name it gets.</summary>
internal sealed record WeightModel(Initializer Initializer, string Identifier);

/// <summary>A graph input and its offset among one observation's inputs, which the runtime packs one after another.</summary>
internal sealed record GraphInput(string Name, int Offset, int Length, ElementType Type);
