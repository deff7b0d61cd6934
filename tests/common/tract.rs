//! tract, the oracle the interpreter is checked against (a native dev-dependency only).
use tract_onnx::prelude::*;

/// One output: name, shape, values.
pub type Out = (String, Vec<usize>, Vec<f32>);

/// A model optimised by tract for one input shape.
pub struct Tract {
    plan: Arc<TypedRunnableModel>,
    names: Vec<String>,
    shape: Vec<usize>,
}

impl Tract {
    pub fn new(bytes: &[u8], shape: &[usize]) -> Tract {
        let onnx = tract_onnx::onnx().with_ignore_value_info(true);
        let mut model = onnx.model_for_read(&mut std::io::Cursor::new(bytes)).unwrap();
        let outlets = model.output_outlets().unwrap().to_vec();
        let names = outlets
            .iter()
            .enumerate()
            .map(|(i, &o)| model.outlet_label(o).map_or_else(|| format!("output {i}"), str::to_string))
            .collect();
        for i in 0..outlets.len() {
            model.set_output_fact(i, InferenceFact::default()).unwrap();
        }
        let plan = model
            .with_input_fact(0, f32::fact(shape).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .unwrap();
        Tract { plan, names, shape: shape.to_vec() }
    }

    pub fn run(&self, data: &[f32]) -> Vec<Out> {
        let input = Tensor::from_shape(&self.shape, data).unwrap();
        let outs = self.plan.run(tvec!(input.into())).unwrap();
        outs.iter()
            .zip(&self.names)
            .map(|(t, n)| {
                (n.clone(), t.shape().to_vec(), t.try_as_plain_ram().unwrap().as_slice::<f32>().unwrap().to_vec())
            })
            .collect()
    }
}
