import { render } from "preact";
import { App } from "./App";
import { createAppState } from "./state/app";
import "./styles/app.css";

render(<App app={createAppState()} />, document.getElementById("app")!);
